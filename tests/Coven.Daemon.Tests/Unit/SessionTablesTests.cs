using Coven.Core;
using Coven.Daemon.Sessions;
using Coven.Daemon.Supervision;

namespace Coven.Daemon.Tests.Unit;

/// <summary>Issue 12 item 18: the per-session lock and signal tables hold an entry only while someone uses it.</summary>
public sealed class SessionTablesTests
{
    [Fact]
    public async Task SessionLocks_ReturnToZero_AfterHoldersWaitersAndCancelledWaiters()
    {
        var locks = new SessionLocks();
        var ids = Enumerable.Range(0, 200).Select(_ => SessionId.New()).ToArray();
        foreach (var id in ids)
        {
            using (await locks.AcquireAsync(id, CancellationToken.None))
            {
                Assert.Equal(1, locks.Count);
            }
        }

        // Before the fix every session ever locked kept its semaphore: 200 here.
        Assert.Equal(0, locks.Count);

        // A waiter that gives up, and one that gets the lock after the holder: still mutual exclusion, still 0 after.
        var one = ids[0];
        var held = await locks.AcquireAsync(one, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var gaveUp = locks.AcquireAsync(one, cancel.Token);
        var waiter = locks.AcquireAsync(one, CancellationToken.None);
        Assert.False(waiter.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        Assert.Equal(1, locks.Count);
        Assert.False(waiter.IsCompleted);
        held.Dispose();
        (await waiter).Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task SessionSignals_ExistOnlyWhileFollowed()
    {
        var signals = new SessionSignals();
        var id = SessionId.New();
        signals.Pulse(id);
        Assert.Equal(0, signals.Count);

        using (var first = signals.Follow(id))
        using (var second = signals.Follow(id))
        {
            Assert.Same(first.Signal, second.Signal);
            Assert.Equal(1, signals.Count);
            var seen = first.Signal.Version;
            var woken = second.Signal.WaitAsync(seen, TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None);
            signals.Pulse(id);
            Assert.True(await woken);
        }

        Assert.Equal(0, signals.Count);
        foreach (var other in Enumerable.Range(0, 100).Select(_ => SessionId.New()))
        {
            using var lease = signals.Follow(other);
            signals.Pulse(other);
        }

        Assert.Equal(0, signals.Count);
    }
}
