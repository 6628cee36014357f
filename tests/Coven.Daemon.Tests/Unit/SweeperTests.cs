using System.Net.Sockets;
using Coven.Core;
using Coven.Daemon.Supervision;

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
}
