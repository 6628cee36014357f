using Coven.Core;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Everything a launch records and starts, decided by <see cref="LaunchPlanner"/> before anything is written: the
/// resolved harness, the canonical root and working directory, the lane's <see cref="LaunchSpec"/> and the row.
/// </summary>
internal sealed record LaunchPlan
{
    public required HarnessDefinition Harness { get; init; }

    /// <summary>Canonical project root (PathPolicy).</summary>
    public required string ProjectRoot { get; init; }

    /// <summary>Canonical working directory inside <see cref="ProjectRoot"/>.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>What the lane spawns: executable, argv, cwd, environment overrides, size.</summary>
    public required LaunchSpec Spec { get; init; }

    public required string Title { get; init; }
    public string? Prompt { get; init; }

    /// <summary>The request's model, else the familiar's.</summary>
    public string? Model { get; init; }

    /// <summary>The familiar the session is launched as (the request's, or the resumed session's).</summary>
    public string? Familiar { get; init; }

    public SessionId? ResumedFrom { get; init; }

    /// <summary>The harness's own conversation id for this session, when Coven chose or knows it (docs/api.md, conversationId).</summary>
    public string? ConversationId { get; init; }

    /// <summary>
    /// The caller's environment without COVEN_* (null: the lane passes on the daemon's). Handed to the lane over its
    /// stdin pipe, never part of <see cref="Spec"/> or the row.
    /// </summary>
    public IReadOnlyDictionary<string, string>? CallerEnvironment { get; init; }

    /// <summary>The familiar's default: run in a worktree when the request leaves <c>worktree</c> unset.</summary>
    public bool FamiliarWorktree { get; init; }

    /// <summary>The pending row for this plan.</summary>
    public SessionRecord ToRecord(SessionId id, DateTimeOffset now) => new()
    {
        Id = id,
        ProjectRoot = ProjectRoot,
        Cwd = WorkingDirectory,
        Harness = Harness.Id,
        Title = Title,
        Prompt = Prompt,
        Model = Model,
        Familiar = Familiar,
        ResumedFrom = ResumedFrom,
        ConversationId = ConversationId,
        Status = SessionStatus.Pending,
        CreatedAt = now,
        UpdatedAt = now,
        Columns = Spec.Columns,
        Rows = Spec.Rows,
    };
}
