namespace Coven.Core;

/// <summary>One session as stored. Immutable snapshot; the store is the source of truth.</summary>
public sealed record SessionRecord
{
    public required SessionId Id { get; init; }
    public required string ProjectRoot { get; init; }
    public required string Cwd { get; init; }
    public required string Harness { get; init; }
    public required string Title { get; init; }
    public string? Prompt { get; init; }
    public string? Model { get; init; }
    public string? Familiar { get; init; }
    public SessionId? ResumedFrom { get; init; }
    public required SessionStatus Status { get; init; }

    /// <summary>The status an archived session came from (restored by Summon).</summary>
    public SessionStatus? ArchivedFrom { get; init; }

    public ExitStatus? Exit { get; init; }
    public EndReason? EndReason { get; init; }

    /// <summary>Human-readable reason for a failure (spawn error, lost lane, ...).</summary>
    public string? Message { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public ProcessIdentity? Lane { get; init; }
    public ProcessIdentity? HarnessProcess { get; init; }
    public int Columns { get; init; } = 120;
    public int Rows { get; init; } = 40;

    /// <summary>
    /// The harness's own id of the conversation this session holds (Claude Code's session id, assigned at launch;
    /// Codex's thread id, found from the rollout file it writes); null while unknown. Resume continues exactly it.
    /// </summary>
    public string? ConversationId { get; init; }

    /// <summary>What the agent is doing (<see cref="SessionActivity"/>); null while unknown. Not a lifecycle status.</summary>
    public string? Activity { get; init; }

    public DateTimeOffset? ActivitySince { get; init; }

    public string? ActivityReason { get; init; }
}
