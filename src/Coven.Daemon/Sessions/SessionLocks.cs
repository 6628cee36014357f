using Coven.Core;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Serializes the daemon's transitions of one session (on top of the store's compare-and-set), so two concurrent
/// requests on one session see each other's result instead of racing. An entry lives only while someone holds or
/// waits for it, so the table does not grow with every session the daemon ever saw.
/// </summary>
internal sealed class SessionLocks
{
    private readonly Dictionary<SessionId, Entry> _locks = [];
    private readonly Lock _gate = new();

    /// <summary>Sessions with a holder or a waiter right now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _locks.Count;
            }
        }
    }

    public async Task<Releaser> AcquireAsync(SessionId id, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_locks.TryGetValue(id, out entry!))
            {
                entry = new Entry();
                _locks[id] = entry;
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(id, entry);
            throw;
        }

        return new Releaser(this, id, entry);
    }

    private void Leave(SessionId id, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Users == 0)
            {
                _locks.Remove(id);
                entry.Semaphore.Dispose();
            }
        }
    }

    internal sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    internal readonly struct Releaser : IDisposable
    {
        private readonly SessionLocks _owner;
        private readonly SessionId _id;
        private readonly Entry _entry;

        internal Releaser(SessionLocks owner, SessionId id, Entry entry)
        {
            _owner = owner;
            _id = id;
            _entry = entry;
        }

        public void Dispose()
        {
            _entry.Semaphore.Release();
            _owner.Leave(_id, _entry);
        }
    }
}
