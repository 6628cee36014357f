using System.Collections.Concurrent;
using Coven.Core;

namespace Coven.Daemon.Supervision;

/// <summary>Per-session wake-ups for stream followers: pulsed when a lane appends and when the daemon writes an event.</summary>
internal sealed class SessionSignals
{
    private readonly ConcurrentDictionary<SessionId, SessionSignal> _signals = new();

    public SessionSignal For(SessionId id) => _signals.GetOrAdd(id, static _ => new SessionSignal());

    public void Pulse(SessionId id)
    {
        if (_signals.TryGetValue(id, out var signal))
        {
            signal.Pulse();
        }
    }
}
