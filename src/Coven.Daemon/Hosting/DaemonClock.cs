namespace Coven.Daemon.Hosting;

/// <summary>When this daemon started (for health and daemon.json).</summary>
internal sealed class DaemonClock(TimeProvider time)
{
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}
