using System.Collections.Concurrent;
using Coven.Pty;

namespace Coven.Lane.Output;

/// <summary>
/// Writes to the PTY master on a dedicated thread. A harness that stops reading its input blocks this thread,
/// never the output reader (which would deadlock against a harness blocked on writing its output). The thread starts
/// with the first write, not with the session: a launch does not pay for it (a thread start is a clone and, in
/// NativeAOT, a yield loop until the thread runs), and a session nobody types into never has it.
/// </summary>
internal sealed class InputWriter : IDisposable
{
    private readonly BlockingCollection<(byte[] Data, TaskCompletionSource<bool>? Done)> _queue = new();
    private readonly PtyProcess _pty;
    private readonly LaneLog _log;
    private int _started;

    public InputWriter(PtyProcess pty, LaneLog log)
    {
        _pty = pty;
        _log = log;
    }

    /// <summary>Queues bytes (terminal query answers) without waiting.</summary>
    public void Post(byte[] data)
    {
        try
        {
            EnsureStarted();
            _queue.TryAdd((data, null));
        }
        catch (InvalidOperationException)
        {
            // Completed: the lane is shutting down.
        }
    }

    /// <summary>Writes bytes; completes true once they are in the terminal, false if the terminal is gone.</summary>
    public async Task<bool> WriteAsync(byte[] data, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            EnsureStarted();
            if (!_queue.TryAdd((data, done)))
            {
                return false;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return await done.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0 && !_queue.IsAddingCompleted)
        {
            new Thread(Run) { IsBackground = true, Name = "lane-input" }.Start();
        }
    }

    private void Run()
    {
        foreach (var (data, done) in _queue.GetConsumingEnumerable())
        {
            bool ok;
            try
            {
                ok = _pty.Write(data);
            }
            catch (IOException ex)
            {
                _log.Error("write to the PTY failed", ex);
                ok = false;
            }

            done?.TrySetResult(ok);
        }
    }
}
