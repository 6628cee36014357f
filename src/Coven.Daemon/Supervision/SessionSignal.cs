namespace Coven.Daemon.Supervision;

/// <summary>
/// A version counter with a completion swapped on every pulse. A follower reads <see cref="Version"/> before it
/// reads the store, then waits for the version to move: a pulse between the read and the wait is never missed.
/// </summary>
internal sealed class SessionSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    public void Pulse()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            _version++;
            previous = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    /// <summary>Completes when the version differs from <paramref name="seen"/>, or after <paramref name="timeout"/> (false).</summary>
    public async Task<bool> WaitAsync(long seen, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task next;
        lock (_gate)
        {
            if (_version != seen)
            {
                return true;
            }

            next = _next.Task;
        }

        try
        {
            await next.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
