namespace Coven.Core.Api;

/// <summary>A session's own git worktree (api.md "Worktrees"): where it is, its branch, and what it started from.</summary>
public sealed record WorktreeDto
{
    /// <summary>The worktree directory under COVEN_HOME/worktrees (the session's project root).</summary>
    public required string Path { get; init; }

    /// <summary>The session's branch, <c>coven/&lt;short-id&gt;</c>.</summary>
    public required string Branch { get; init; }

    /// <summary>Full commit id the branch was created from.</summary>
    public required string BaseCommit { get; init; }

    /// <summary>The user's repository (its main work tree) the worktree belongs to.</summary>
    public required string Repository { get; init; }

    public required string CreatedAt { get; init; }
}

/// <summary>GET /api/v1/sessions/{id}/diff: what the session changed against its base, committed and uncommitted.</summary>
public sealed record WorktreeDiffResponse
{
    public required string SessionId { get; init; }
    public required WorktreeDto Worktree { get; init; }

    /// <summary><c>git diff --stat</c> of the change.</summary>
    public required string Stat { get; init; }

    /// <summary>Paths changed (added, modified, deleted), sorted.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The unified diff; null when <c>?stat=true</c>.</summary>
    public string? Patch { get; init; }
}

public sealed record MergeRequest
{
    /// <summary>One squashed commit instead of a merge commit.</summary>
    public bool? Squash { get; init; }
}

/// <summary>POST /api/v1/sessions/{id}/merge.</summary>
public sealed record MergeResponse
{
    public required string SessionId { get; init; }
    public required string Branch { get; init; }

    /// <summary>The user's branch the session's branch was merged into.</summary>
    public required string Into { get; init; }

    /// <summary>The commit now at the tip of <see cref="Into"/>.</summary>
    public required string Commit { get; init; }

    public required bool Squash { get; init; }

    /// <summary>Commit made of the session's uncommitted changes before the merge, if any.</summary>
    public string? CommittedPending { get; init; }

    public required IReadOnlyList<string> Files { get; init; }
}

/// <summary>One row of GET /api/v1/worktrees.</summary>
public sealed record WorktreeEntryDto
{
    public required string SessionId { get; init; }

    /// <summary>The session's status, or <c>gone</c> when the session no longer exists (an orphaned worktree).</summary>
    public required string Status { get; init; }

    public required WorktreeDto Worktree { get; init; }

    /// <summary>False when the directory is missing.</summary>
    public required bool Exists { get; init; }

    /// <summary>Commits on the branch not on the user's current branch; null when unknown.</summary>
    public int? Ahead { get; init; }

    /// <summary>Commits on the user's current branch not on the session's branch; null when unknown.</summary>
    public int? Behind { get; init; }

    /// <summary>Uncommitted changes in the worktree; null when unknown.</summary>
    public bool? Dirty { get; init; }

    /// <summary>The branch is merged into the user's current branch.</summary>
    public bool? Merged { get; init; }
}

/// <param name="Worktrees">Recorded worktrees.</param>
/// <param name="Unrecorded">Additive: directories under COVEN_HOME/worktrees that no session row names (orphans too).</param>
public sealed record WorktreeListResponse(IReadOnlyList<WorktreeEntryDto> Worktrees, IReadOnlyList<string>? Unrecorded = null);

public sealed record WorktreePruneRequest
{
    /// <summary>Also remove worktrees of sessions that ended longer ago than this (e.g. 7d); orphans are always candidates.</summary>
    public string? OlderThan { get; init; }

    /// <summary>Remove dirty worktrees and delete unmerged branches too.</summary>
    public bool? Force { get; init; }

    /// <summary>Additive: only report what would be removed; change nothing.</summary>
    public bool? DryRun { get; init; }
}

public sealed record WorktreePruneResponse
{
    /// <summary>Session ids whose worktrees were removed.</summary>
    public required IReadOnlyList<string> Removed { get; init; }

    /// <summary>Branches deleted (merged ones, or all with force).</summary>
    public required IReadOnlyList<string> BranchesDeleted { get; init; }

    /// <summary>Candidates kept, with why (dirty, unmerged).</summary>
    public required IReadOnlyList<string> Kept { get; init; }

    /// <summary>Additive: the directories removed (with dryRun: that would be), unrecorded ones included.</summary>
    public IReadOnlyList<string> RemovedPaths { get; init; } = [];

    /// <summary>Additive: true when nothing was changed (the request's dryRun).</summary>
    public bool DryRun { get; init; }
}
