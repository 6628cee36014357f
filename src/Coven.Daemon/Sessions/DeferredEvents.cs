using Coven.Core;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Events of things that already happened (input the harness received) that the store refused to record: kept in
/// memory, in order, and retried every <see cref="RetryInterval"/> until the store accepts writes again. They get the
/// sequence numbers of the time they are written, after whatever the lane recorded meanwhile.
/// </summary>
internal sealed partial class DeferredEvents(CovenStore store, SessionSignals signals, TimeProvider time, ILogger<DeferredEvents> logger)
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Queue<(SessionId Id, string Kind, string Payload)> _queue = new();
    private readonly Lock _gate = new();
    private bool _retrying;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public void Defer(SessionId id, string kind, string payload)
    {
        lock (_gate)
        {
            _queue.Enqueue((id, kind, payload));
            if (_retrying)
            {
                return;
            }

            _retrying = true;
        }

        _ = Task.Run(RetryLoopAsync);
    }

    private async Task RetryLoopAsync()
    {
        while (true)
        {
            await Task.Delay(RetryInterval, time);
            while (true)
            {
                (SessionId Id, string Kind, string Payload) next;
                lock (_gate)
                {
                    if (_queue.Count == 0)
                    {
                        _retrying = false;
                        return;
                    }

                    next = _queue.Peek();
                }

                try
                {
                    store.Events.Append(next.Id, next.Kind, next.Payload);
                }
                catch (Exception e) when (StoreFaults.IsWriteFault(e))
                {
                    break;
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or StoreException)
                {
                    // The session is gone (sacrificed) or the row refuses it: nothing left to record it against.
                    LogDropped(next.Id, next.Kind, e.Message);
                }

                lock (_gate)
                {
                    _queue.Dequeue();
                }

                signals.Pulse(next.Id);
                LogRecorded(next.Id, next.Kind);
            }
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.DeferredRecorded, Level = LogLevel.Information, Message = "Session {SessionId}: deferred {Kind} event recorded")]
    private partial void LogRecorded(SessionId sessionId, string kind);

    [LoggerMessage(EventId = Logging.EventIds.EventDeferred, Level = LogLevel.Warning, Message = "Session {SessionId}: deferred {Kind} event dropped: {Reason}")]
    private partial void LogDropped(SessionId sessionId, string kind, string reason);
}
