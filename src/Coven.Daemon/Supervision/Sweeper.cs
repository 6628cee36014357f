using Coven.Core;
using Coven.Daemon.Hosting;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Supervision;

/// <summary>
/// The periodic sweep (<see cref="SweepJob"/>, every <see cref="DaemonOptions.SweepInterval"/>): liveness of live
/// lanes, leftovers of recently orphaned sessions, pending sessions past <see cref="DaemonOptions.PendingTimeout"/>
/// with no launch in flight, and lane sockets nothing listens on any more.
/// </summary>
internal sealed partial class Sweeper(
    CovenStore store,
    DaemonOptions options,
    LaneMonitors monitors,
    Reconciler reconciler,
    LeftoverReaper reaper,
    TimeProvider time,
    ILogger<Sweeper> logger)
{
    /// <summary>Leftovers appear when a session is orphaned; a day of retries is plenty, and keeps the /proc scans bounded.</summary>
    public static readonly TimeSpan OrphanWindow = TimeSpan.FromDays(1);

    private int _sweeping;

    /// <summary>Runs <see cref="SweepAsync"/> unless a sweep is still running (then returns false at once): the scheduler's fires never overlap (<see cref="SweepJob"/>).</summary>
    public async Task<bool> SweepUnlessRunningAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return false;
        }

        try
        {
            await SweepAsync(cancellationToken);
            return true;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var session in SessionScan.All(store, SessionStatus.Live))
        {
            try
            {
                if (monitors.FindLive(session.Id) is { } monitor)
                {
                    if (monitor.Lane is { } lane && !lane.IsAlive())
                    {
                        await monitors.LaneGoneAsync(monitor, "the lane process is gone", cancellationToken);
                    }

                    continue;
                }

                await reconciler.CheckLiveAsync(session, writeReattached: false, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(session.Id.Value, e);
            }
        }

        var recent = time.GetUtcNow() - OrphanWindow;
        foreach (var session in SessionScan.All(store, SessionStatus.Orphaned))
        {
            if (session.UpdatedAt > recent)
            {
                reaper.KillLeftovers(session);
            }
        }

        var cutoff = time.GetUtcNow() - options.PendingTimeout;
        foreach (var session in SessionScan.All(store, SessionStatus.Pending))
        {
            if (!monitors.IsLaunching(session.Id) && session.CreatedAt < cutoff)
            {
                await reconciler.ResolvePendingAsync(session, cancellationToken);
            }
        }

        RemoveStaleLaneSockets();
        RemoveExpiredLaneLogs();
    }

    /// <summary>
    /// Removes <c>logs/lane-&lt;id&gt;.log</c> of sessions that no longer exist and of finished, failed or archived
    /// sessions unchanged for <see cref="DaemonOptions.LaneLogRetention"/>. Live, pending and orphaned sessions keep
    /// theirs (an orphaned lane may still be running and writing).
    /// </summary>
    private void RemoveExpiredLaneLogs()
    {
        if (!Directory.Exists(options.Paths.LogsDir))
        {
            return;
        }

        var cutoff = time.GetUtcNow() - options.LaneLogRetention;
        foreach (var file in Directory.EnumerateFiles(options.Paths.LogsDir, "lane-*.log"))
        {
            var name = Path.GetFileNameWithoutExtension(file)["lane-".Length..];
            if (!SessionId.TryParse(name, out var id))
            {
                continue;
            }

            var session = store.Sessions.Get(id);
            var expired = session is null
                || ((session.Status is SessionStatus.Finished or SessionStatus.Failed or SessionStatus.Archived) && session.UpdatedAt < cutoff);
            if (expired && LaneLogs.TryRemove(file))
            {
                LogLaneLogRemoved(file);
            }
        }
    }

    /// <summary>Removes lane sockets of sessions that are not live or pending and that nothing listens on.</summary>
    private void RemoveStaleLaneSockets()
    {
        if (!Directory.Exists(options.Paths.LanesDir))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(options.Paths.LanesDir, "*.sock"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (SessionId.TryParse(name, out var id) && store.Sessions.Get(id) is { Status: SessionStatus.Live or SessionStatus.Pending })
            {
                continue;
            }

            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            try
            {
                socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(file));
            }
            catch (System.Net.Sockets.SocketException)
            {
                try
                {
                    File.Delete(file);
                    LogStaleSocketRemoved(file);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
