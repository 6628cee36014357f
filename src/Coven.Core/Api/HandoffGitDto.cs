namespace Coven.Core.Api;

/// <summary>The project root's git state when it is a git work tree (<c>git status --porcelain</c>, branch, HEAD).</summary>
public sealed record HandoffGitDto
{
    /// <summary>The branch name, or null on a detached HEAD.</summary>
    public string? Branch { get; init; }

    /// <summary>Full commit id of HEAD; null in a repository without commits.</summary>
    public string? Head { get; init; }

    public string? HeadSubject { get; init; }
    public required bool Dirty { get; init; }

    /// <summary><c>git status --porcelain</c> lines (capped; <see cref="StatusTruncated"/> says so).</summary>
    public required IReadOnlyList<string> Status { get; init; }

    public bool StatusTruncated { get; init; }

    /// <summary>Additive: a worktree session's <c>git diff --stat</c> against its base (committed and uncommitted).</summary>
    public string? DiffStat { get; init; }
}
