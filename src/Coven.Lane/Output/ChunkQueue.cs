namespace Coven.Lane.Output;

/// <summary>
/// The bounded hand-off between the PTY reader and the recorder: <see cref="Add"/> blocks while the queue is full
/// (backpressure), <see cref="Take(out byte[])"/> waits for a chunk or the end. Waiters sleep at once
/// instead of spinning first (as BlockingCollection's semaphores do): on 2 cores the spinning recorder took
/// CPU from the harness and the reader (docs/benchmarks-lane.md).
/// </summary>
internal sealed class ChunkQueue(int capacity)
{
    private readonly Queue<byte[]> _chunks = new();

    // A plain object, not System.Threading.Lock: Monitor.Wait/Pulse need the monitor.
    private readonly object _lock = new();
    private bool _completed;

    /// <summary>Queues a chunk; blocks while the queue holds <c>capacity</c> chunks.</summary>
    public void Add(byte[] chunk)
    {
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("no chunks may be added after Complete");
            }

            while (_chunks.Count >= capacity)
            {
                Monitor.Wait(_lock);
            }

            _chunks.Enqueue(chunk);
            if (_chunks.Count == 1)
            {
                // The taker may be waiting for exactly this.
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>No more chunks will be added; a waiting taker returns false once the queue is empty.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits for the next chunk; false when the queue is completed and empty.</summary>
    public bool Take(out byte[] chunk) => Take(out chunk, Timeout.Infinite, out _);

    /// <summary>
    /// Waits at most <paramref name="timeoutMs"/> (<see cref="Timeout.Infinite"/>: no limit) for the next chunk; false
    /// when the queue is completed and empty, or when the time ran out (<paramref name="timedOut"/>).
    /// </summary>
    public bool Take(out byte[] chunk, int timeoutMs, out bool timedOut)
    {
        timedOut = false;
        var deadline = timeoutMs == Timeout.Infinite ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        lock (_lock)
        {
            while (_chunks.Count == 0 && !_completed)
            {
                var left = deadline == long.MaxValue ? Timeout.Infinite : (int)Math.Max(0, deadline - Environment.TickCount64);
                if (left == 0 || !Monitor.Wait(_lock, left))
                {
                    if (_chunks.Count == 0 && !_completed)
                    {
                        timedOut = true;
                        chunk = null!;
                        return false;
                    }
                }
            }

            return TryDequeue(out chunk);
        }
    }

    /// <summary>The next chunk if one is queued, without waiting.</summary>
    public bool TryTake(out byte[] chunk)
    {
        lock (_lock)
        {
            return TryDequeue(out chunk);
        }
    }

    private bool TryDequeue(out byte[] chunk)
    {
        if (!_chunks.TryDequeue(out chunk!))
        {
            return false;
        }

        if (_chunks.Count == capacity - 1)
        {
            // A reader blocked on a full queue may go on.
            Monitor.PulseAll(_lock);
        }

        return true;
    }
}
