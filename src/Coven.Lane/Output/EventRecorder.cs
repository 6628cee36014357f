using Coven.Core.Redaction;
using Coven.Lane.Control;
using Coven.Store;

namespace Coven.Lane.Output;

/// <summary>
/// Appends recorded output to the store on a dedicated thread. The first chunk after an idle period is committed at
/// once; chunks that arrive while a commit is in flight are coalesced into the next transaction. The queue is
/// bounded: when the store falls behind, <see cref="Add"/> blocks the PTY reader, so the harness is slowed down
/// by the kernel instead of output being dropped. Secrets are redacted here, before the encoder: a tail that may
/// be the start of a secret waits for the next chunk, or at most <see cref="RedactionRules.HoldMs"/> (docs/redaction.md).
/// </summary>
internal sealed class EventRecorder : IDisposable
{
    // Chunks are at most 64 KiB (one PTY read), so the queue holds at most 8 MiB of output.
    private const int QueueCapacity = 128;
    private const int MaxBatchBytes = 2 * 1024 * 1024;

    private readonly ChunkQueue _queue = new(QueueCapacity);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OutputEncoder _encoder = new();
    private readonly LaneState _state;
    private readonly NotificationHub _hub;
    private readonly LaneLog _log;
    private readonly EventAppender _appender;
    private readonly StreamRedactor _redactor;
    private readonly int _holdMs;
    private Func<bool>? _started;
    private long _transactions;

    /// <param name="started">
    /// True once the daemon has recorded the session live; the first append waits for it (at most
    /// <see cref="StartWait"/>) so the lane's events follow the lifecycle event in seq order. Null: no wait.
    /// </param>
    public EventRecorder(CovenStore store, LaneState state, NotificationHub hub, LaneLog log, RedactionRules rules, Func<bool>? started = null)
    {
        _started = started;
        _redactor = new StreamRedactor(rules);
        _holdMs = rules.HoldMs;
        _state = state;
        _hub = hub;
        _log = log;
        _appender = store.Events.OpenAppender(state.Session);
    }

    /// <summary>Completes when every added byte is committed (after <see cref="Complete"/>).</summary>
    public Task Completion => _completion.Task;

    public void Start()
    {
        new Thread(Run) { IsBackground = true, Name = "lane-recorder" }.Start();
    }

    /// <summary>Queues a chunk; blocks while the queue is full.</summary>
    public void Add(byte[] chunk) => _queue.Add(chunk);

    /// <summary>No more chunks will come; the remaining ones are drained.</summary>
    public void Complete() => _queue.Complete();

    /// <summary>Closes the store connection once the recorder thread is done; a recorder still running is left alone.</summary>
    public void Dispose()
    {
        if (_completion.Task.IsCompleted)
        {
            _appender.Dispose();
        }
    }

    /// <summary>Appends events in one transaction, retrying until the store accepts them; returns the last seq.</summary>
    public long AppendDurably(IReadOnlyList<NewEvent> events)
    {
        AwaitStarted();
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return _appender.Append(events);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
            {
                // Dropping output is not an option: keep the batch and retry; backpressure holds the harness meanwhile.
                if (attempt == 1 || attempt % 20 == 0)
                {
                    _log.Error($"appending {events.Count} events failed (attempt {attempt}); retrying", ex);
                }

                Thread.Sleep(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(3);

    private void AwaitStarted()
    {
        if (_started is not { } started)
        {
            return;
        }

        _started = null;
        var deadline = Environment.TickCount64 + (long)StartWait.TotalMilliseconds;
        while (Environment.TickCount64 < deadline)
        {
            try
            {
                if (started())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                _log.Warn("reading the session's status failed: " + ex.Message);
            }

            // The daemon records the start within milliseconds of the handshake line; this runs once per session.
            Thread.Sleep(2);
        }

        _log.Warn($"the daemon did not record the session as started within {StartWait.TotalSeconds} s; recording anyway");
    }

    private void Run()
    {
        try
        {
            var events = new List<NewEvent>();
            while (true)
            {
                if (!_queue.Take(out var first, _redactor.HeldBytes > 0 ? _holdMs : Timeout.Infinite, out var timedOut))
                {
                    if (!timedOut)
                    {
                        break;
                    }

                    // Nothing came to complete what was held back: it is not a secret (or all of one is there).
                    _redactor.Flush(_encoder.Writer);
                    _encoder.Drain(events, final: false);
                    Commit(events);
                    continue;
                }

                _redactor.Write(first, _encoder.Writer);
                while (_encoder.PendingBytes < MaxBatchBytes && _queue.TryTake(out var next))
                {
                    _redactor.Write(next, _encoder.Writer);
                }

                _encoder.Drain(events, final: false);
                Commit(events);
            }

            _redactor.Flush(_encoder.Writer);
            _encoder.Drain(events, final: true);
            Commit(events);
            _log.Info($"recorder done: {_transactions} transactions, {_redactor.Replacements} secrets redacted, recorder cpu {ThreadCpu.CurrentThreadMs()} ms");
            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            _log.Error("the recorder stopped", ex);
            _completion.TrySetException(ex);
        }
    }

    private void Commit(List<NewEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var seq = AppendDurably(events);
        _transactions++;
        events.Clear();
        _state.Committed(seq);
        _hub.PublishAppended(seq);
    }
}
