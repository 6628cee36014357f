using Coven.Core;
using Coven.Daemon.Lanes;

namespace Coven.Daemon.Supervision;

/// <summary>
/// The daemon's verified, subscribed connection to one live session's lane. Present only while the lane answered
/// hello with the right session id and process identity; input, resize, kill and screen go through it.
/// </summary>
internal sealed class SessionMonitor(SessionId id, LaneClient client, ProcessIdentity? lane)
{
    private int _killRequested;

    public SessionId Id { get; } = id;
    public LaneClient Client { get; } = client;
    public ProcessIdentity? Lane { get; } = lane;

    /// <summary>The product version the lane reported in <c>hello</c> (null for lanes older than the field).</summary>
    public string? LaneVersion { get; init; }

    /// <summary>The lane protocol the lane reported in <c>hello</c>.</summary>
    public int? LaneProtocol { get; init; }

    public bool IsConnected => !Client.IsClosed;

    public bool KillRequested => Volatile.Read(ref _killRequested) != 0;

    /// <summary>True for the first kill request only: later ones lose the race (409).</summary>
    public bool TryMarkKillRequested() => Interlocked.Exchange(ref _killRequested, 1) == 0;

    public void ClearKillRequested() => Volatile.Write(ref _killRequested, 0);
}
