namespace Coven.Lane.Control;

/// <summary>The subscribed control connections; notifications fan out from here.</summary>
internal sealed class NotificationHub
{
    private readonly Lock _lock = new();
    private readonly HashSet<ControlConnection> _subscribers = [];
    private TaskCompletionSource _empty = NewCompleted();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    public void Add(ControlConnection connection)
    {
        lock (_lock)
        {
            if (_subscribers.Add(connection) && _subscribers.Count == 1)
            {
                _empty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Remove(ControlConnection connection)
    {
        lock (_lock)
        {
            if (_subscribers.Remove(connection) && _subscribers.Count == 0)
            {
                _empty.TrySetResult();
            }
        }
    }

    /// <summary>"Appended up to seq": a cursor, so a subscriber that is far behind may miss some and lose nothing.</summary>
    public void PublishAppended(long seq)
    {
        var frame = ControlFrame.Appended(seq);
        foreach (var connection in Snapshot())
        {
            connection.TryPost(frame);
        }
    }

    /// <summary>Sent once per connection, never dropped.</summary>
    public void PublishExited(byte[] frame)
    {
        foreach (var connection in Snapshot())
        {
            connection.PostExited(frame);
        }
    }

    /// <summary>Completes when no connection is subscribed.</summary>
    public Task WhenEmptyAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _empty.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewCompleted()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    private ControlConnection[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _subscribers];
        }
    }
}
