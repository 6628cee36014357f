using Coven.Core;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Daemon.Tests.Unit;

public sealed class LaneMonitorsTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConcurrentAttach_ForOneSession_OpensOneConnectionAndOneMonitor()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Live();
        var lane = kit.LaneFor(session.Id);
        lane.HelloGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Launch, sweep, reconciliation and a lost connection asking at once: no monitor exists for any of them yet,
        // because the lane answers no hello until every attach has been issued.
        var attaches = Enumerable.Range(0, 8).Select(_ => kit.Monitors.AttachAsync(session, writeReattached: false, CancellationToken.None)).ToList();
        lane.HelloGate.SetResult();
        var results = await Task.WhenAll(attaches).WaitAsync(s_timeout);

        Assert.All(results, Assert.True);
        Assert.Equal(1, kit.Monitors.MonitorCount);
        Assert.Equal(1, lane.Accepted);
        Assert.Equal(1, lane.Subscribed);
        Assert.Equal(1, lane.Open);
    }

    [Fact]
    public async Task Attach_WhileAMonitorIsConnected_OpensNoSecondConnection()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Live();
        var lane = kit.LaneFor(session.Id);
        Assert.True(await kit.Monitors.AttachAsync(session, writeReattached: false, CancellationToken.None));
        var first = kit.Monitors.FindLive(session.Id);

        Assert.True(await kit.Monitors.AttachAsync(session, writeReattached: false, CancellationToken.None));

        Assert.Same(first, kit.Monitors.FindLive(session.Id));
        Assert.Equal(1, lane.Accepted);
    }

    [Fact]
    public async Task Attach_LaneReportsAnotherProcess_IsRefused()
    {
        await using var kit = new SupervisionKit();
        var recorded = kit.Spare();
        var session = kit.Live(recorded.Identity);
        var lane = kit.LaneFor(session.Id, new ProcessIdentity(recorded.Identity.Pid + 1, recorded.Identity.StartTime));

        Assert.False(await kit.Monitors.AttachAsync(session, writeReattached: false, CancellationToken.None));

        Assert.Null(kit.Monitors.FindLive(session.Id));
        Assert.True(await Eventually.TrueAsync(() => lane.Open == 0, s_timeout), "the refused connection stays open");
    }

    [Fact]
    public async Task ExitedNotification_AppliesTheStoredExit_AndDropsTheMonitor()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Live();
        var lane = kit.LaneFor(session.Id);
        Assert.True(await kit.Monitors.AttachAsync(session, writeReattached: false, CancellationToken.None));

        var seq = kit.Store.Events.Append(session.Id, EventKinds.Exit, """{"exitCode":0,"signal":null,"status":"finished"}""");
        await lane.NotifyExitedAsync(seq);

        Assert.True(await Eventually.TrueAsync(() => kit.StatusOf(session.Id) != SessionStatus.Live, s_timeout));
        var ended = kit.Store.Sessions.Get(session.Id)!;
        Assert.Equal(SessionStatus.Finished, ended.Status);
        Assert.Equal(EndReason.Exited, ended.EndReason);
        Assert.Equal(0, kit.Monitors.MonitorCount);
        Assert.True(await Eventually.TrueAsync(() => lane.Open == 0, s_timeout), "the monitor's connection stays open");
    }
}
