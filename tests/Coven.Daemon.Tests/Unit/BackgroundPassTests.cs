using Coven.Core;
using Coven.Daemon.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// Issue 14 (an idle daemon sleeps): the notification watcher, the search indexer and the conversation tracker wait in
/// <see cref="SessionSignals.AnyLease.NextAsync"/> between passes instead of polling the store on a timer. Time is a
/// <see cref="FakeTimeProvider"/> that counts its timers; the body runs without xunit's synchronization context, and a
/// step that needs the pass parked in its wait first waits for that wait's timer (<see cref="Clock.AdvanceToWait"/>),
/// so "not yet" is a fact, not a race.
/// </summary>
public sealed class BackgroundPassTests
{
    private static readonly TimeSpan s_gap = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_fallback = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public Task WithoutPulses_APassComesOnlyAtTheFallback() => Task.Run(async () =>
    {
        var (signals, time) = New();
        using var lease = signals.FollowAny();

        // The first pass comes after the gap (the caller's first look at the store).
        await FirstPassAsync(lease, time);

        // Then nothing changes: no pass at the gap, none just before the fallback, one at it.
        var idle = lease.NextAsync(s_gap, s_fallback, time, CancellationToken.None);
        time.AdvanceToWait(s_gap);
        Assert.False(idle.IsCompleted);
        time.Advance(s_fallback - TimeSpan.FromMilliseconds(1));
        Assert.False(idle.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await idle.WaitAsync(s_wait);

        // A zero fallback (the conversation tracker while a Codex session is live): a pass at every gap.
        var polling = lease.NextAsync(s_gap, TimeSpan.Zero, time, CancellationToken.None);
        time.Advance(s_gap - TimeSpan.FromMilliseconds(1));
        Assert.False(polling.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await polling.WaitAsync(s_wait);
    });

    [Fact]
    public Task APulse_BringsThePassAfterTheGap_AndPulsesDuringAPassAreNotLost() => Task.Run(async () =>
    {
        var (signals, time) = New();
        using var lease = signals.FollowAny();
        var id = SessionId.New();
        await FirstPassAsync(lease, time);

        // A pulse while waiting: the pass comes at once (the gap is already over).
        var woken = lease.NextAsync(s_gap, s_fallback, time, CancellationToken.None);
        time.AdvanceToWait(s_gap);
        Assert.False(woken.IsCompleted);
        signals.Pulse(id);
        await woken.WaitAsync(s_wait);

        // Pulses during the caller's pass (before the next call): the next pass comes right after the gap, one pass
        // for all of them, and the one after that waits again.
        signals.Pulse(id);
        signals.Pulse(id);
        var coalesced = lease.NextAsync(s_gap, s_fallback, time, CancellationToken.None);
        Assert.False(coalesced.IsCompleted);
        time.Advance(s_gap);
        await coalesced.WaitAsync(s_wait);
        var quiet = lease.NextAsync(s_gap, s_fallback, time, CancellationToken.None);
        time.AdvanceToWait(s_gap);
        Assert.False(quiet.IsCompleted);
        signals.Pulse(id);
        await quiet.WaitAsync(s_wait);

        // A pulse during the gap is kept too; passes come at most once per gap however often sessions change.
        var busy = lease.NextAsync(s_gap, s_fallback, time, CancellationToken.None);
        signals.Pulse(id);
        Assert.False(busy.IsCompleted);
        time.Advance(s_gap - TimeSpan.FromMilliseconds(1));
        Assert.False(busy.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await busy.WaitAsync(s_wait);
    });

    [Fact]
    public Task Stopping_EndsTheWait() => Task.Run(async () =>
    {
        var (signals, time) = New();
        using var lease = signals.FollowAny();
        using var stop = new CancellationTokenSource();
        await FirstPassAsync(lease, time);
        var waiting = lease.NextAsync(s_gap, s_fallback, time, stop.Token);
        time.AdvanceToWait(s_gap);
        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(s_wait));
    });

    private static (SessionSignals Signals, Clock Time) New() => (new SessionSignals(), new Clock());

    /// <summary>A lease's first pass: after the gap, with no pulse needed.</summary>
    private static async Task FirstPassAsync(SessionSignals.AnyLease lease, Clock time)
    {
        var first = lease.NextAsync(s_gap, s_fallback, time, CancellationToken.None);
        Assert.False(first.IsCompleted);
        time.Advance(s_gap);
        await first.WaitAsync(s_wait);
    }

    /// <summary>
    /// A fake clock that counts the timers set on it, so a step can wait until the pass it advanced past its gap has set
    /// the timer of its next wait (a continuation may run on the pool rather than inside <c>Advance</c>) before it
    /// advances again: otherwise that timer would start from a later time and the step would test nothing.
    /// </summary>
    private sealed class Clock() : FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero))
    {
        private int _timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        /// <summary>Advances by <paramref name="by"/> (a pass's gap) and waits until the pass has set its wait's timer.</summary>
        public void AdvanceToWait(TimeSpan by)
        {
            var before = Volatile.Read(ref _timers);
            Advance(by);
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref _timers) > before, s_wait), "the pass never set the timer of its wait");
        }
    }
}
