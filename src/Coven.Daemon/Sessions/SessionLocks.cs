using System.Collections.Concurrent;
using Coven.Core;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Serializes the daemon's transitions of one session (on top of the store's compare-and-set), so two concurrent
/// requests on one session see each other's result instead of racing.
/// </summary>
internal sealed class SessionLocks
{
    private readonly ConcurrentDictionary<SessionId, SemaphoreSlim> _locks = new();

    public async Task<Releaser> AcquireAsync(SessionId id, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(id, static _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken);
        return new Releaser(semaphore);
    }

    internal readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
