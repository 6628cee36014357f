using Coven.Core;
using Coven.Store;

namespace Coven.Daemon.Tests.Unit;

/// <summary>Start-up reconciliation outcomes, in-process against scripted lane sockets and real processes.</summary>
public sealed class ReconcilerTests
{
    [Fact]
    public async Task LiveSessionWhoseLaneAnswers_IsReattached()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Live();
        var lane = kit.LaneFor(session.Id, new ProcessIdentity(4_000_123, 7));

        await kit.Reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Equal(SessionStatus.Live, kit.StatusOf(session.Id));
        Assert.NotNull(kit.Monitors.FindLive(session.Id));
        Assert.Equal(1, lane.Subscribed);
        var reattached = kit.Store.Events.Latest(session.Id, EventKinds.Reattached);
        Assert.NotNull(reattached);
        Assert.Contains("4000123", reattached.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveSessionWhoseLaneIsGone_IsOrphaned()
    {
        await using var kit = new SupervisionKit();
        var dead = kit.Spare();
        var session = kit.Live(dead.Identity);
        dead.Dispose();
        Assert.False(dead.IsAlive);

        await kit.Reconciler.ReconcileAsync(CancellationToken.None);

        var orphaned = kit.Store.Sessions.Get(session.Id)!;
        Assert.Equal(SessionStatus.Orphaned, orphaned.Status);
        Assert.Equal(EndReason.LaneLost, orphaned.EndReason);
        Assert.Equal(0, kit.Monitors.MonitorCount);
    }

    [Fact]
    public async Task LiveSessionWhoseHarnessExitedWhileNoDaemonRan_GetsItsExit()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Live();
        kit.Store.Events.Append(session.Id, EventKinds.Exit, """{"exitCode":3,"signal":null,"status":"failed"}""");

        await kit.Reconciler.ReconcileAsync(CancellationToken.None);

        var ended = kit.Store.Sessions.Get(session.Id)!;
        Assert.Equal(SessionStatus.Failed, ended.Status);
        Assert.Equal(EndReason.Exited, ended.EndReason);
        Assert.Equal(3, ended.Exit?.Code);
    }

    [Fact]
    public async Task LiveSessionWhoseLaneRunsButDoesNotAnswer_StaysLiveAndIsNotKilled()
    {
        await using var kit = new SupervisionKit();
        var silent = kit.Spare();
        var session = kit.Live(silent.Identity);

        await kit.Reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Equal(SessionStatus.Live, kit.StatusOf(session.Id));
        Assert.Null(kit.Monitors.FindLive(session.Id));
        Assert.True(silent.IsAlive);
    }

    [Fact]
    public async Task PendingSessionWithoutALane_IsLaunchLost()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Pending();

        await kit.Reconciler.ReconcileAsync(CancellationToken.None);

        var lost = kit.Store.Sessions.Get(session.Id)!;
        Assert.Equal(SessionStatus.Failed, lost.Status);
        Assert.Equal(EndReason.LaunchLost, lost.EndReason);
    }

    [Fact]
    public async Task PendingSessionWhoseLaneStarted_IsAdoptedAndAttached()
    {
        await using var kit = new SupervisionKit();
        var lane = kit.Spare();
        var session = kit.Pending(lane.Identity);
        var socket = kit.LaneFor(session.Id, lane.Identity);

        await kit.Reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Equal(SessionStatus.Live, kit.StatusOf(session.Id));
        Assert.NotNull(kit.Monitors.FindLive(session.Id));
        Assert.Equal(1, socket.Subscribed);
        Assert.True(lane.IsAlive);
    }
}
