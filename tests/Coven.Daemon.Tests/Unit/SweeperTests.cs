using System.Net.Sockets;
using Coven.Core;
using Coven.Daemon.Supervision;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Daemon.Tests.Unit;

/// <summary>The periodic sweep at points in fake time: the pending timeout, the orphan window, lanes that died, stale sockets.</summary>
public sealed class SweeperTests
{
    private static readonly TimeSpan s_exit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PendingSession_IsLaunchLostOnlyOncePastThePendingTimeout()
    {
        await using var kit = new SupervisionKit(pendingTimeout: TimeSpan.FromSeconds(30));
        var session = kit.Pending();

        kit.Time.Advance(TimeSpan.FromSeconds(29));
        await kit.Sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(SessionStatus.Pending, kit.StatusOf(session.Id));

        kit.Time.Advance(TimeSpan.FromSeconds(2));
        await kit.Sweeper.SweepAsync(CancellationToken.None);
        var lost = kit.Store.Sessions.Get(session.Id)!;
        Assert.Equal(SessionStatus.Failed, lost.Status);
        Assert.Equal(EndReason.LaunchLost, lost.EndReason);
    }

    [Fact]
    public async Task SweepUnlessRunning_SkipsWhileASweepRuns_ThenSweepsAgain()
    {
        await using var kit = new SupervisionKit();
        var session = kit.Live();
        var lane = kit.LaneFor(session.Id);
        lane.HelloGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first sweep re-attaches the live session and waits on the lane's hello, which the test holds.
        var first = kit.Sweeper.SweepUnlessRunningAsync(CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => lane.Accepted == 1, s_exit), "the sweep did not connect to the lane");
        Assert.False(await kit.Sweeper.SweepUnlessRunningAsync(CancellationToken.None).WaitAsync(s_exit), "a second sweep ran while the first one was still running");

        lane.HelloGate.SetResult();
        Assert.True(await first.WaitAsync(s_exit));
        Assert.NotNull(kit.Monitors.FindLive(session.Id));
        Assert.True(await kit.Sweeper.SweepUnlessRunningAsync(CancellationToken.None).WaitAsync(s_exit), "the sweep after the first one ended was skipped");
    }

    [Fact]
    public async Task PendingSessionWithALaunchInFlight_IsLeftToTheLaunch()
    {
        await using var kit = new SupervisionKit(pendingTimeout: TimeSpan.FromSeconds(30));
        var session = kit.Pending();
        kit.Monitors.BeginLaunch(session.Id);

        kit.Time.Advance(TimeSpan.FromMinutes(5));
        await kit.Sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(SessionStatus.Pending, kit.StatusOf(session.Id));

        kit.Monitors.EndLaunch(session.Id);
        await kit.Sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(SessionStatus.Failed, kit.StatusOf(session.Id));
    }

    [Fact]
    public async Task OrphanedWithinTheWindow_LeftoversAreKilled()
    {
        await using var kit = new SupervisionKit();
        var leftover = kit.Spare();
        kit.Orphaned(leftover.Identity);

        kit.Time.Advance(Sweeper.OrphanWindow - TimeSpan.FromMinutes(1));
        await kit.Sweeper.SweepAsync(CancellationToken.None);

        Assert.True(leftover.WaitForExit(s_exit), "the leftover of a session orphaned 23h59m ago survived the sweep");
    }

    [Fact]
    public async Task OrphanedLongerThanTheWindow_LeftoversAreNoLongerScanned()
    {
        await using var kit = new SupervisionKit();
        var leftover = kit.Spare();
        kit.Orphaned(leftover.Identity);

        kit.Time.Advance(Sweeper.OrphanWindow + TimeSpan.FromMinutes(1));
        await kit.Sweeper.SweepAsync(CancellationToken.None);

        Assert.True(leftover.IsAlive);
    }

    [Fact]
    public async Task MonitoredSessionWhoseLaneProcessDied_IsOrphaned()
    {
        await using var kit = new SupervisionKit();
        var lane = kit.Spare();
        var session = kit.Live(lane.Identity);
        kit.LaneFor(session.Id, lane.Identity);
        Assert.True(await kit.Monitors.AttachAsync(session, writeReattached: false, CancellationToken.None));

        // The process dies but its socket still accepts (as when a lane is SIGKILLed mid-write).
        lane.Dispose();
        await kit.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(SessionStatus.Orphaned, kit.StatusOf(session.Id));
        Assert.Null(kit.Monitors.FindLive(session.Id));
    }

    [Fact]
    public async Task LaneSocketNobodyListensOn_IsRemoved_AndALiveOneIsKept()
    {
        await using var kit = new SupervisionKit();
        var stale = kit.Paths.LaneSocket(SessionId.New());
        using (var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            listener.Bind(new UnixDomainSocketEndPoint(stale));
        }

        var process = kit.Spare();
        var live = kit.Live(process.Identity);
        kit.LaneFor(live.Id, process.Identity);
        Assert.True(await kit.Monitors.AttachAsync(live, writeReattached: false, CancellationToken.None));

        await kit.Sweeper.SweepAsync(CancellationToken.None);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(kit.Paths.LaneSocket(live.Id)));
        Assert.Equal(SessionStatus.Live, kit.StatusOf(live.Id));
    }

    [Fact]
    public async Task LaneLogs_OfGoneAndLongEndedSessions_AreRemoved_OthersKept()
    {
        // Issue 12 item 17: logs/lane-<id>.log of ended sessions past the retention and of sessions that no longer exist.
        await using var kit = new SupervisionKit();
        Directory.CreateDirectory(kit.Paths.LogsDir);
        var live = kit.Live();
        var oldEnded = Ended(kit);
        var gone = SessionId.New();
        foreach (var id in new[] { live.Id, oldEnded.Id, gone })
        {
            File.WriteAllText(kit.Paths.LaneLog(id), "lane log\n");
        }

        File.WriteAllText(Path.Combine(kit.Paths.LogsDir, "covend.log"), "not a lane log\n");
        kit.Time.Advance(kit.Options.LaneLogRetention - TimeSpan.FromMinutes(1));
        var recentEnded = Ended(kit);
        File.WriteAllText(kit.Paths.LaneLog(recentEnded.Id), "lane log\n");

        kit.Time.Advance(TimeSpan.FromMinutes(2));
        await kit.Sweeper.SweepAsync(CancellationToken.None);

        Assert.False(File.Exists(kit.Paths.LaneLog(gone)));
        Assert.False(File.Exists(kit.Paths.LaneLog(oldEnded.Id)));
        Assert.True(File.Exists(kit.Paths.LaneLog(recentEnded.Id)));
        Assert.True(File.Exists(kit.Paths.LaneLog(live.Id)));
        Assert.True(File.Exists(Path.Combine(kit.Paths.LogsDir, "covend.log")));
    }

    private static SessionRecord Ended(SupervisionKit kit)
    {
        var live = kit.Live();
        var result = kit.Store.Sessions.TryTransition(live.Id, SessionTrigger.Exited, new TransitionChanges { Exit = new ExitStatus(0, null), EndReason = EndReason.Exited, Reason = "test" });
        Assert.True(result.Applied, result.Outcome.ToString());
        return result.Session!;
    }
}
