using Coven.Core;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Supervision;

/// <summary>
/// Brings the store in line with the lanes that exist: at start for every live and pending session, and from
/// <see cref="Sweeper"/> for a live session without a monitor or a pending one past its timeout. A lane that proves
/// its identity is re-attached, an exit that happened while no daemon ran is applied, a lost lane is orphaned.
/// </summary>
internal sealed partial class Reconciler(
    CovenStore store,
    LaneMonitors monitors,
    SessionSignals signals,
    SessionLocks locks,
    LeftoverReaper reaper,
    ILogger<Reconciler> logger)
{
    /// <summary>
    /// Start-up reconciliation: re-attach every live session whose lane proves its identity, apply exits that
    /// happened while no daemon ran, orphan the rest; resolve pending sessions left by a previous daemon.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var live = SessionScan.All(store, SessionStatus.Live);
        LogReconciling(live.Count);
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (session, ct) =>
        {
            await CheckLiveAsync(session, writeReattached: true, ct);
        });

        var pending = SessionScan.All(store, SessionStatus.Pending);
        foreach (var session in pending)
        {
            await ResolvePendingAsync(session, cancellationToken);
        }

        LogReconciled(live.Count, pending.Count, monitors.MonitorCount);
    }

    /// <summary>
    /// A live session without a monitor: attach, else <see cref="SettleUnattachedAsync">settle</see> it.
    /// </summary>
    public async Task CheckLiveAsync(SessionRecord session, bool writeReattached, CancellationToken cancellationToken)
    {
        if (await monitors.AttachAsync(session, writeReattached, cancellationToken))
        {
            return;
        }

        await SettleUnattachedAsync(session, cancellationToken);
    }

    /// <summary>
    /// A live session whose lane did not attach: apply a stored exit, else leave a lane that is alive but not answering
    /// for the next sweep, else orphan. The one rule for start-up, the sweep and a launch's follow-up.
    /// </summary>
    public async Task SettleUnattachedAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        if (await monitors.ApplyExitAsync(session.Id, cancellationToken))
        {
            return;
        }

        if (session.Lane is { } lane && lane.IsAlive())
        {
            // Alive but not answering (busy, stopped, or socket removed): retry on the next sweep rather than kill live
            // work. A lane refused as incompatible was logged once when it was refused; it too is left running.
            if (monitors.RefusalOf(session.Id) is null)
            {
                LogLaneUnreachable(session.Id, lane.Pid);
            }

            return;
        }

        await monitors.OrphanAsync(session.Id, "the lane is gone", cancellationToken);
    }

    /// <summary>A pending session no launch is working on: adopt its lane when it runs, else the launch is lost.</summary>
    public async Task ResolvePendingAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        // A lane that started while the previous daemon died mid-launch may be fine: adopt it.
        if (session.Lane is { } lane && lane.IsAlive())
        {
            using (await locks.AcquireAsync(session.Id, cancellationToken))
            {
                store.Sessions.TryTransition(session.Id, SessionTrigger.Started, new TransitionChanges { Reason = "lane found at reconciliation" });
            }

            signals.Pulse(session.Id);
            var current = store.Sessions.Get(session.Id);
            if (current is { Status: SessionStatus.Live })
            {
                await CheckLiveAsync(current, writeReattached: true, cancellationToken);
            }

            return;
        }

        using (await locks.AcquireAsync(session.Id, cancellationToken))
        {
            var result = store.Sessions.TryTransition(session.Id, SessionTrigger.LaunchLost, new TransitionChanges
            {
                EndReason = EndReason.LaunchLost,
                Message = "the lane never reported that the harness started",
                Reason = "launch timeout",
            });
            if (result.Applied)
            {
                LogLaunchLost(session.Id);
            }
        }

        signals.Pulse(session.Id);
        reaper.KillLeftovers(session);
    }
}
