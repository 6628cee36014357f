using Coven.Core;
using Coven.Lane.Control;
using Coven.Lane.Output;
using Coven.Store;
using Microsoft.Extensions.Time.Testing;

namespace Coven.Lane.Tests;

/// <summary>
/// The fallback activity monitor in process, on a real store file: its timer parks once only new output or input can
/// change the activity (no output yet, idle, waiting) and starts again on the next output or input, so a quiet
/// session costs no wake-ups. Time is fake (the ticks run when the test says, and can be made late). ActivityTests (Coven.Daemon.Tests) drive the same transitions through a real lane.
/// </summary>
public sealed class ActivityMonitorTests
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task QuietSession_ParksTheTimer_OutputAndInputStartItAgain()
    {
        await using var run = new LaneRun();
        run.CreateSession("true");
        using var log = LaneLog.Open(run.Paths.LaneLog(run.Session));
        var time = new LateTicks();
        using var monitor = new ActivityMonitor(run.Store, new LaneState(run.Session, default, default, 0), new NotificationHub(), new TerminalState(80, 24, "test"), new ActivitySettings { IdleAfterMs = 300 }, log, time);
        monitor.Start();

        // No output yet: nothing to decide, so the first tick parks.
        time.Advance(s_tick);
        Assert.True(monitor.Parked, "the monitor of a session without output kept its timer running");
        Assert.Equal(SessionActivity.Unknown, monitor.Current);

        // Output wakes it at once (on the reader's thread); the next tick sees output flowing (working), the one after
        // sees it quiet past the idle time (idle), and the timer parks again.
        var wakes = monitor.Wakes;
        monitor.Touch();
        Assert.Equal(wakes + 1, monitor.Wakes);
        time.Advance(s_tick);
        Assert.Equal(SessionActivity.Working, monitor.Current);
        Assert.False(monitor.Parked, "the monitor parked while output was flowing");
        time.Advance(s_tick);
        Assert.True(monitor.Current == SessionActivity.Idle && monitor.Parked, $"activity {monitor.Current}, parked {monitor.Parked}");
        Assert.Equal(["working", "idle"], ActivitiesRecorded(run));

        // Further output while parked, and the tick that sees it runs a second late (a loaded machine): the burst is
        // already quiet, and it is still a turn of work (a second working/idle pair, not idle to idle).
        monitor.Touch();
        Assert.Equal(wakes + 2, monitor.Wakes);
        time.Lateness = TimeSpan.FromSeconds(1);
        time.Advance(s_tick);
        Assert.True(monitor.Parked, "the monitor did not park after deciding idle");
        Assert.Equal(["working", "idle", "working", "idle"], ActivitiesRecorded(run));

        // Input wakes it too (a native idle holds until input); with no output following, it re-parks idle.
        monitor.InputArrived();
        Assert.Equal(wakes + 3, monitor.Wakes);
        Assert.False(monitor.Parked);
        time.Advance(s_tick);
        Assert.True(monitor.Parked);
        Assert.Equal(SessionActivity.Idle, monitor.Current);
        Assert.Equal(4, ActivitiesRecorded(run).Count);

        // A wake while parked is one wake: touching an awake monitor restarts nothing.
        monitor.Touch();
        monitor.Touch();
        Assert.Equal(wakes + 4, monitor.Wakes);

        // Nothing is decided after the stop, however much time passes.
        monitor.Stop();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(4, ActivitiesRecorded(run).Count);
    }

    private static List<string> ActivitiesRecorded(LaneRun run) =>
        [.. run.Store.Events.Page(run.Session, 0, 1000, EventKinds.Activity)
            .Select(e => System.Text.Json.JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("activity").GetString()!)];

    /// <summary>
    /// Fake time whose timer callbacks can run late: <see cref="Lateness"/> is added to the clock the monitor reads and
    /// not to the timers' schedule, as when a loaded machine runs a due tick late.
    /// </summary>
    private sealed class LateTicks : FakeTimeProvider
    {
        public TimeSpan Lateness { get; set; }

        public override long GetTimestamp() => base.GetTimestamp() + (long)(Lateness.TotalSeconds * TimestampFrequency);
    }
}
