using Coven.Core;

namespace Coven.Daemon.Supervision;

/// <summary>
/// Per-session wake-ups for stream followers: pulsed when a lane appends and when the daemon writes an event. A
/// signal exists only while someone follows the session (<see cref="Follow"/>); a pulse nobody follows is dropped.
/// </summary>
internal sealed class SessionSignals
{
    private readonly Dictionary<SessionId, Entry> _signals = [];
    private readonly Lock _gate = new();
    private readonly SessionSignal _any = new();
    private int _anyFollowers;

    /// <summary>Sessions with at least one follower right now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _signals.Count;
            }
        }
    }

    /// <summary>The session's signal for as long as the returned lease is not disposed.</summary>
    public Lease Follow(SessionId id)
    {
        lock (_gate)
        {
            if (!_signals.TryGetValue(id, out var entry))
            {
                entry = new Entry();
                _signals[id] = entry;
            }

            entry.Followers++;
            return new Lease(this, id, entry);
        }
    }

    /// <summary>A signal pulsed with every session's (the all-sessions stream), for as long as the lease is not disposed.</summary>
    public AnyLease FollowAny()
    {
        Interlocked.Increment(ref _anyFollowers);
        return new AnyLease(this);
    }

    public void Pulse(SessionId id)
    {
        SessionSignal? signal;
        lock (_gate)
        {
            signal = _signals.TryGetValue(id, out var entry) ? entry.Signal : null;
        }

        signal?.Pulse();
        if (Volatile.Read(ref _anyFollowers) > 0)
        {
            _any.Pulse();
        }
    }

    private void Leave(SessionId id, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Followers == 0)
            {
                _signals.Remove(id);
            }
        }
    }

    internal sealed class AnyLease : IDisposable
    {
        private readonly SessionSignals _owner;
        private long _seen = -1;
        private int _disposed;

        internal AnyLease(SessionSignals owner) => _owner = owner;

        public SessionSignal Signal => _owner._any;

        /// <summary>
        /// For a background pass over the store (notices, search, conversations): waits at least
        /// <paramref name="gap"/> (passes while sessions keep changing come at most once per gap), then until any
        /// session was pulsed since the previous return (the first call returns after the gap), or
        /// <paramref name="fallback"/> went by (for writes nobody pulsed: a lane the daemon is not attached to; zero:
        /// no wait after the gap). An idle daemon sleeps instead of polling; a pulse during the caller's pass is not
        /// lost (the version is taken before the pass).
        /// </summary>
        public async Task NextAsync(TimeSpan gap, TimeSpan fallback, TimeProvider time, CancellationToken cancellationToken)
        {
            await Task.Delay(gap, time, cancellationToken);
            await Signal.WaitAsync(_seen, fallback, time, cancellationToken);
            _seen = Signal.Version;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref _owner._anyFollowers);
            }
        }
    }

    internal sealed class Entry
    {
        public SessionSignal Signal { get; } = new();

        public int Followers { get; set; }
    }

    internal sealed class Lease : IDisposable
    {
        private readonly SessionSignals _owner;
        private readonly SessionId _id;
        private readonly Entry _entry;
        private int _disposed;

        internal Lease(SessionSignals owner, SessionId id, Entry entry)
        {
            _owner = owner;
            _id = id;
            _entry = entry;
        }

        public SessionSignal Signal => _entry.Signal;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Leave(_id, _entry);
            }
        }
    }
}
