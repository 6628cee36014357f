using System.Net.Sockets;

namespace Coven.Lane.Control;

/// <summary>The lane's Unix control socket (0600 in a 0700 directory).</summary>
internal sealed class ControlServer : IDisposable
{
    private const int MaxConnections = 64;

    private readonly Socket _listener;
    private readonly LaneLog _log;
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _connections = [];
    private int _disposed;

    private ControlServer(Socket listener, string path, LaneLog log)
    {
        _listener = listener;
        Path = path;
        _log = log;
    }

    public string Path { get; }

    /// <summary>Binds <paramref name="path"/>; a leftover socket nobody answers on is replaced, a live one is not.</summary>
    public static ControlServer? TryBind(string path, LaneLog log, out string error)
    {
        Core.CovenPaths.EnsurePrivateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            if (IsAnswering(path))
            {
                error = $"another lane is already serving {path}";
                return null;
            }

            File.Delete(path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            error = $"cannot bind the control socket {path}: {ex.Message}";
            return null;
        }

        error = string.Empty;
        return new ControlServer(listener, path, log);
    }

    /// <summary>Accepts connections until disposed; each runs <paramref name="serve"/>.</summary>
    public async Task AcceptLoopAsync(Func<Socket, CancellationToken, Task> serve, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _log.Warn($"accept failed: {ex.SocketErrorCode}");
                continue;
            }

            // The same rule as covend's socket: only the lane's own uid may talk to it, whatever the file modes say.
            if (!Daemon.Hosting.PeerCredentials.TryGetPeer(client, out var peerPid, out var peerUid) || peerUid != Daemon.Hosting.PeerCredentials.EffectiveUid)
            {
                _log.Warn($"refused a control connection from pid {peerPid} uid {peerUid} (not the lane's user)");
                client.Dispose();
                continue;
            }

            lock (_lock)
            {
                if (_connections.Count >= MaxConnections)
                {
                    client.Dispose();
                    continue;
                }

                var task = serve(client, cancellationToken);
                _connections.Add(task);
                _ = task.ContinueWith(
                    t =>
                    {
                        lock (_lock)
                        {
                            _connections.Remove(t);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
    }

    /// <summary>Waits (bounded) for connections to finish sending what they queued; call after cancelling the accept loop.</summary>
    public async Task DrainConnectionsAsync(TimeSpan timeout)
    {
        Task[] pending;
        lock (_lock)
        {
            pending = [.. _connections];
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _log.Warn($"{pending.Length} control connections still open at shutdown");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsAnswering(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
