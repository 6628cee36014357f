namespace Coven.Core.Api;

public sealed record LaunchRequest
{
    public string? ProjectRoot { get; init; }
    public string? Cwd { get; init; }
    public string? Harness { get; init; }
    public string? Prompt { get; init; }
    public string? Title { get; init; }
    public string? Model { get; init; }

    /// <summary>Launch as this familiar (additive): harness, model and extra arguments come from it.</summary>
    public string? Familiar { get; init; }

    public int? Cols { get; init; }
    public int? Rows { get; init; }

    /// <summary>Not implemented; read only to refuse it (it would change what runs): 400 when present.</summary>
    public System.Text.Json.JsonElement? ExecutionBinding { get; init; }

    /// <summary>Only <c>"interactive"</c> (what Coven does) is accepted; anything else is refused with 400.</summary>
    public System.Text.Json.JsonElement? LaunchMode { get; init; }

    /// <summary>Not implemented; read only to refuse it: 400 when present.</summary>
    public System.Text.Json.JsonElement? LaunchPolicy { get; init; }

    /// <summary>
    /// Additive: run in a new git worktree of the project's repository on branch coven/&lt;short-id&gt;. Null: the
    /// familiar's default (<c>FamiliarDto.worktree</c>); false: no worktree even for such a familiar.
    /// </summary>
    public bool? Worktree { get; init; }

    /// <summary>Additive: with <see cref="Worktree"/>, the ref the branch starts from (default HEAD).</summary>
    public string? Base { get; init; }

    /// <summary>
    /// Additive: the caller's environment, the harness's base environment instead of the daemon's (issue 13 item 5).
    /// Its PATH finds the harness. Never stored or logged; COVEN_* entries are dropped.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}

public sealed record InputRequest
{
    public string? Data { get; init; }
    public string? DataBase64 { get; init; }

    /// <summary>Additive: type <see cref="Data"/> as a prompt (bracketed paste when enabled, then a separate Enter).</summary>
    public bool? Submit { get; init; }
}

public sealed record ResizeRequest
{
    public int? Cols { get; init; }
    public int? Rows { get; init; }
}

public sealed record KillRequest
{
    public string? Signal { get; init; }
    public int? GraceMs { get; init; }
}

public sealed record SacrificeRequest
{
    public bool? Confirm { get; init; }

    /// <summary>Additive: also delete the session's worktree branch even when it is not merged.</summary>
    public bool? DeleteBranch { get; init; }
}

public sealed record AcceptedResponse(bool Accepted);

/// <summary>
/// Input the lane delivered to the harness while the store could not record it: <c>delivered</c> is true, <c>recorded</c>
/// false, <c>storeError</c> <c>store_busy</c> or <c>store_full</c>; the input event is written once the store accepts writes.
/// <c>spilled</c>: the event is also on disk (COVEN_HOME/spill), so it is written even if covend dies first; false when
/// that write failed too (disk full): then it is in covend's memory only.
/// </summary>
public sealed record InputAcceptedResponse(bool Accepted, bool Delivered, bool Recorded, string StoreError, bool Spilled);

public sealed record SacrificeResponse(string Sacrificed, long EventsDeleted);
