using Coven.Core;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Events of things that already happened (input the harness received) that the store refused to record: kept in
/// memory, in order, and retried every <see cref="RetryInterval"/> until the store accepts writes again. They get the
/// sequence numbers of the time they are written, after whatever the lane recorded meanwhile, and the time they
/// happened as <c>createdAt</c>. Each is also spilled to disk (<see cref="EventSpill"/>) before the request is answered,
/// so a covend that dies first writes it at its next start (<see cref="ReplaySpill"/>), exactly once.
/// </summary>
internal sealed partial class DeferredEvents(CovenStore store, EventSpill spill, SessionSignals signals, TimeProvider time, ILogger<DeferredEvents> logger)
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the replay at start waits for a locked store before it leaves the rest to the retry loop.</summary>
    private static readonly TimeSpan s_startWait = TimeSpan.FromSeconds(1);

    private readonly Queue<DeferredEvent> _queue = new();
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

    /// <summary>
    /// Appends the event of something that already happened (input the lane delivered); when the store refuses the write
    /// (busy, locked, full, read-only) it is deferred instead, and the outcome says so.
    /// </summary>
    public RecordOutcome Record(SessionId id, string kind, string payload)
    {
        try
        {
            store.Events.Append(id, kind, payload);
            return RecordOutcome.Written;
        }
        catch (Exception e) when (StoreFaults.IsWriteFault(e))
        {
            var spilled = Defer(id, kind, payload);
            LogDeferred(id, kind, spilled, e);
            return new RecordOutcome(StoreFaults.CodeOf(e), spilled);
        }
    }

    /// <summary>
    /// Queues the event for writing once the store accepts writes; true when it is also on disk (the spill), false when
    /// the spill could not be written either (disk full): then it is in memory only and lost if covend dies first.
    /// </summary>
    private bool Defer(SessionId id, string kind, string payload)
    {
        // Redacted now, as the store would, so the spill file never holds a secret in clear.
        var e = new DeferredEvent(id, Guid.CreateVersion7().ToString("D"), kind, kind == EventKinds.Input ? store.Events.RedactInput(payload) : payload, time.GetUtcNow());
        bool spilled;
        lock (_gate)
        {
            spilled = spill.TryAppend(e);
            _queue.Enqueue(e);
            if (_retrying)
            {
                return spilled;
            }

            _retrying = true;
        }

        _ = Task.Run(RetryLoopAsync);
        return spilled;
    }

    /// <summary>
    /// At start, before requests are served: the events an earlier covend spilled and did not remove are written now, in
    /// their order and with their time (an event already in the store, written before that covend died, is not written
    /// again); whatever the store still refuses is left to the retry loop. Then the spill is removed.
    /// </summary>
    public void ReplaySpill()
    {
        var records = spill.Load();
        lock (_gate)
        {
            foreach (var record in records)
            {
                _queue.Enqueue(record);
            }

            _retrying = true;
        }

        if (records.Count > 0)
        {
            LogReplaying(records.Count, spill.FilePath);
        }

        // A request's short lock wait, so a locked store does not hold up the start (the retry loop inherits it).
        using (CovenStore.RequestScope(s_startWait))
        {
            if (!TryDrain())
            {
                _ = Task.Run(RetryLoopAsync);
            }
        }
    }

    private async Task RetryLoopAsync()
    {
        do
        {
            await Task.Delay(RetryInterval, time);
        }
        while (!TryDrain());
    }

    /// <summary>Writes the queued events in order until the store refuses one (false); true when none is left and the spill is removed.</summary>
    private bool TryDrain()
    {
        while (true)
        {
            DeferredEvent next;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    // Under the lock: no Defer appends to the spill between the last write and its removal.
                    spill.Remove();
                    _retrying = false;
                    return true;
                }

                next = _queue.Peek();
            }

            try
            {
                if (store.Events.AppendOnce(next.Session, next.EventId, next.Kind, next.Payload, next.CreatedAt))
                {
                    LogRecorded(next.Session, next.Kind);
                }
                else
                {
                    LogAlreadyRecorded(next.Session, next.Kind, next.EventId);
                }
            }
            catch (Exception e) when (StoreFaults.IsWriteFault(e))
            {
                return false;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or StoreException)
            {
                // The session is gone (sacrificed) or the row refuses it: nothing left to record it against.
                LogDropped(next.Session, next.Kind, e.Message);
            }

            lock (_gate)
            {
                _queue.Dequeue();
            }

            signals.Pulse(next.Session);
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.EventDeferred, Level = LogLevel.Warning, Message = "Session {SessionId}: {Kind} delivered to the lane, but the store refused its event; recording it once the store accepts writes (spilled to disk: {Spilled})")]
    private partial void LogDeferred(SessionId sessionId, string kind, bool spilled, Exception fault);

    [LoggerMessage(EventId = Logging.EventIds.DeferredRecorded, Level = LogLevel.Information, Message = "Session {SessionId}: deferred {Kind} event recorded")]
    private partial void LogRecorded(SessionId sessionId, string kind);

    [LoggerMessage(EventId = Logging.EventIds.DeferredAlreadyRecorded, Level = LogLevel.Information, Message = "Session {SessionId}: deferred {Kind} event {EventId} was already recorded; not written twice")]
    private partial void LogAlreadyRecorded(SessionId sessionId, string kind, string eventId);

    [LoggerMessage(EventId = Logging.EventIds.DeferredDropped, Level = LogLevel.Warning, Message = "Session {SessionId}: deferred {Kind} event dropped: {Reason}")]
    private partial void LogDropped(SessionId sessionId, string kind, string reason);

    [LoggerMessage(EventId = Logging.EventIds.SpillReplayed, Level = LogLevel.Information, Message = "{Count} deferred events spilled by an earlier covend found in {Path}; writing them to the store")]
    private partial void LogReplaying(int count, string path);
}

/// <summary>What became of an event <see cref="DeferredEvents.Record"/> was given: written, or deferred with the store's fault code and whether it is on disk.</summary>
internal readonly record struct RecordOutcome(string? StoreError, bool Spilled)
{
    public static RecordOutcome Written => default;

    public bool Recorded => StoreError is null;
}
