namespace Coven.Core.Api;

/// <summary>
/// <c>POST /api/v1/sessions/{id}/wait</c>: exactly one condition (<see cref="For"/>, <see cref="SettleMs"/> or
/// <see cref="Exit"/>) and an optional timeout.
/// </summary>
public sealed record WaitRequest
{
    /// <summary>A .NET regular expression matched against the screen (multiline: ^ and $ match at every row).</summary>
    public string? For { get; init; }

    /// <summary>Return once no output has been recorded for this many milliseconds.</summary>
    public int? SettleMs { get; init; }

    /// <summary>Return once the session has ended.</summary>
    public bool? Exit { get; init; }

    /// <summary>Return once the session's activity is this (working, waiting or idle; docs/attention.md).</summary>
    public string? Activity { get; init; }

    /// <summary>Give up after this many milliseconds (default 600000, at most 3600000).</summary>
    public int? TimeoutMs { get; init; }
}
