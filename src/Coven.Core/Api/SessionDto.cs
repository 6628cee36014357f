namespace Coven.Core.Api;

/// <summary>The wire form of a session record (docs/api.md). Field names are a compatibility contract.</summary>
public sealed record SessionDto
{
    public required string Id { get; init; }
    public required string ProjectRoot { get; init; }
    public required string Cwd { get; init; }
    public required string Harness { get; init; }
    public required string Title { get; init; }
    public required string Status { get; init; }
    public int? ExitCode { get; init; }
    public string? ExitSignal { get; init; }
    public string? EndReason { get; init; }
    public bool Archived { get; init; }
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; init; }
    public required IReadOnlyList<string> AllowedActions { get; init; }

    // Additive fields (v1 allows additions).
    public string? Prompt { get; init; }
    public string? Model { get; init; }
    public string? Familiar { get; init; }
    public string? ResumedFrom { get; init; }

    /// <summary>The harness's own conversation id (additive; see docs/api-additions.md); null while unknown.</summary>
    public string? ConversationId { get; init; }
    public string? ArchivedFrom { get; init; }

    /// <summary>working, waiting, idle or unknown (additive; docs/api.md, docs/attention.md).</summary>
    public string Activity { get; init; } = SessionActivity.Unknown;
    public string? ActivitySince { get; init; }
    public string? ActivityReason { get; init; }
    public string? Message { get; init; }
    public int? LanePid { get; init; }
    public int? HarnessPid { get; init; }
    public int Cols { get; init; }
    public int Rows { get; init; }

    /// <summary>
    /// The session's short reference: the shortest tail of the id (at least 6 characters) that no other session's id
    /// ends or starts with. Set by <c>GET /sessions</c> only (docs/api-additions.md); null elsewhere.
    /// </summary>
    public string? ShortId { get; init; }

    /// <summary>Additive: the session's own git worktree, when launched with one (GET of one session, launch).</summary>
    public WorktreeDto? Worktree { get; init; }

    public static SessionDto From(SessionRecord s) => new()
    {
        Id = s.Id.Value,
        ProjectRoot = s.ProjectRoot,
        Cwd = s.Cwd,
        Harness = s.Harness,
        Title = s.Title,
        Status = WireNames.Of(s.Status),
        ExitCode = s.Exit?.Code,
        ExitSignal = s.Exit?.SignalName,
        EndReason = s.EndReason is { } r ? WireNames.Of(r) : null,
        Archived = s.Status == SessionStatus.Archived,
        CreatedAt = Timestamps.Of(s.CreatedAt),
        UpdatedAt = Timestamps.Of(s.UpdatedAt),
        AllowedActions = SessionLifecycle.AllowedActions(s.Status),
        Prompt = s.Prompt,
        Model = s.Model,
        Familiar = s.Familiar,
        ResumedFrom = s.ResumedFrom?.Value,
        ConversationId = s.ConversationId,
        Activity = s.Activity ?? SessionActivity.Unknown,
        ActivitySince = s.ActivitySince is { } since ? Timestamps.Of(since) : null,
        ActivityReason = s.ActivityReason,
        ArchivedFrom = s.ArchivedFrom is { } a ? WireNames.Of(a) : null,
        Message = s.Message,
        LanePid = s.Lane?.Pid,
        HarnessPid = s.HarnessProcess?.Pid,
        Cols = s.Columns,
        Rows = s.Rows,
    };
}

public sealed record SessionListResponse(IReadOnlyList<SessionDto> Sessions, string? NextCursor)
{
    /// <summary>Additive (issue 15): "ok", "busy" or "full", as health's <c>store.state</c>, so a list shows a full store.</summary>
    public string? StoreState { get; init; }
}
