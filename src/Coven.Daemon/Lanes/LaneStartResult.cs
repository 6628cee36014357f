namespace Coven.Daemon.Lanes;

/// <summary>What a new lane reported on its stdout line.</summary>
internal sealed record LaneStartResult
{
    public required LaneStartOutcome Outcome { get; init; }
    public int LanePid { get; init; }
    public int HarnessPid { get; init; }

    /// <summary>The directory the harness was actually started in (resolved by the lane at spawn time); null from an older lane.</summary>
    public string? Cwd { get; init; }

    /// <summary>Why the harness could not be started (spawn failure or no report).</summary>
    public string? Reason { get; init; }

    public int? Errno { get; init; }
}
