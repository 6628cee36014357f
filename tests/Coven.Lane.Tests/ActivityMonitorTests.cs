using Coven.Core;
using Coven.Lane.Control;
using Coven.Lane.Output;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Lane.Tests;

/// <summary>
/// The fallback activity monitor in process, on a real store file: its timer parks once only new output or input can
/// change the activity (no output yet, idle, waiting) and starts again on the next output or input, so a quiet
/// session costs no wake-ups. ActivityTests (Coven.Daemon.Tests) drive the same transitions through a real lane.
/// </summary>
public sealed class ActivityMonitorTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task QuietSession_ParksTheTimer_OutputAndInputStartItAgain()
    {
        await using var run = new LaneRun();
        run.CreateSession("true");
        using var log = LaneLog.Open(run.Paths.LaneLog(run.Session));
        using var monitor = new ActivityMonitor(run.Store, new LaneState(run.Session, default, default, 0), new NotificationHub(), new TerminalState(80, 24, "test"), new ActivitySettings { IdleAfterMs = 300 }, log);
        monitor.Start();

        // No output yet: nothing to decide, so the first tick parks.
        Assert.True(await Eventually.TrueAsync(() => monitor.Parked, s_timeout), "the monitor of a session without output kept its timer running");
        Assert.Equal(SessionActivity.Unknown, monitor.Current);

        // Output wakes it at once (on the reader's thread), it decides working, then idle, and parks again.
        var wakes = monitor.Wakes;
        monitor.Touch();
        Assert.Equal(wakes + 1, monitor.Wakes);
        Assert.True(await Eventually.TrueAsync(() => monitor.Current == SessionActivity.Idle && monitor.Parked, s_timeout), $"activity {monitor.Current}, parked {monitor.Parked}");
        Assert.Equal(["working", "idle"], ActivitiesRecorded(run));

        // Further output while parked: the same again (a second working/idle pair in the store).
        monitor.Touch();
        Assert.Equal(wakes + 2, monitor.Wakes);
        Assert.True(await Eventually.TrueAsync(() => ActivitiesRecorded(run).Count == 4 && monitor.Parked, s_timeout), string.Join(",", ActivitiesRecorded(run)));
        Assert.Equal(["working", "idle", "working", "idle"], ActivitiesRecorded(run));

        // Input wakes it too (a native idle holds until input); with no output following, it re-parks idle.
        monitor.InputArrived();
        Assert.Equal(wakes + 3, monitor.Wakes);
        Assert.True(await Eventually.TrueAsync(() => monitor.Parked, s_timeout));
        Assert.Equal(SessionActivity.Idle, monitor.Current);

        // A wake while parked is one wake: touching an awake monitor restarts nothing.
        monitor.Touch();
        monitor.Touch();
        Assert.Equal(wakes + 4, monitor.Wakes);

        monitor.Stop();
    }

    private static List<string> ActivitiesRecorded(LaneRun run) =>
        [.. run.Store.Events.Page(run.Session, 0, 1000, EventKinds.Activity)
            .Select(e => System.Text.Json.JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("activity").GetString()!)];
}
