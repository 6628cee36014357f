namespace Coven.Daemon.Lanes;

internal enum LaneStartOutcome
{
    /// <summary>The harness runs under the lane.</summary>
    Started,

    /// <summary>The lane reported that it could not spawn the harness (or the lane itself could not start).</summary>
    SpawnFailed,

    /// <summary>No report within the launch timeout; the lane was killed.</summary>
    Lost,
}
