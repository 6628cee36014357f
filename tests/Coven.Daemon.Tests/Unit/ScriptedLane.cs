using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;
using Coven.Core;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// A lane control socket answered by the test (docs/lane-protocol.md: 4-byte big-endian length, then a JSON
/// object): <c>hello</c> with the session id and a lane identity, <c>subscribe</c>, and <c>ok</c> for anything else.
/// It counts connections, so a test can see how many monitors the daemon opened; <see cref="HelloGate"/> holds
/// every hello reply until the test releases it.
/// </summary>
internal sealed class ScriptedLane : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly SessionId _session;
    private readonly ProcessIdentity _identity;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];
    private readonly List<Socket> _subscribed = [];
    private readonly Task _acceptLoop;
    private int _accepted;
    private int _open;

    public ScriptedLane(string socketPath, SessionId session, ProcessIdentity identity)
    {
        _session = session;
        _identity = identity;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(64);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Completed by default; a test that wants replies held replaces it before connections arrive.</summary>
    public TaskCompletionSource HelloGate { get; set; } = Completed();

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections the daemon has not closed.</summary>
    public int Open => Volatile.Read(ref _open);

    public int Subscribed
    {
        get
        {
            lock (_connections)
            {
                return _subscribed.Count;
            }
        }
    }

    /// <summary>Sends <c>exited</c> to every subscribed connection, as a lane does after writing the exit event.</summary>
    public async Task NotifyExitedAsync(long seq)
    {
        Socket[] targets;
        lock (_connections)
        {
            targets = [.. _subscribed];
        }

        foreach (var socket in targets)
        {
            await SendAsync(socket, w =>
            {
                w.WriteString("event", "exited");
                w.WriteNumber("exitCode", 0);
                w.WriteNull("signal");
                w.WriteNumber("seq", seq);
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var socket in _connections)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Completed()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            Interlocked.Increment(ref _open);
            lock (_connections)
            {
                _connections.Add(socket);
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            var header = new byte[4];
            while (await ReadExactlyAsync(socket, header))
            {
                var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
                if (!await ReadExactlyAsync(socket, body))
                {
                    break;
                }

                using var request = JsonDocument.Parse(body);
                var id = request.RootElement.GetProperty("id").GetInt64();
                switch (request.RootElement.GetProperty("op").GetString())
                {
                    case "hello":
                        await HelloGate.Task.WaitAsync(_stop.Token);
                        await SendAsync(socket, w =>
                        {
                            w.WriteNumber("id", id);
                            w.WriteBoolean("ok", true);
                            w.WriteNumber("protocol", 1);
                            w.WriteString("sessionId", _session.Value);
                            w.WriteNumber("lanePid", _identity.Pid);
                            w.WriteNumber("laneStartTime", _identity.StartTime);
                        });
                        break;
                    case "subscribe":
                        lock (_connections)
                        {
                            _subscribed.Add(socket);
                        }

                        await SendAsync(socket, w =>
                        {
                            w.WriteNumber("id", id);
                            w.WriteBoolean("ok", true);
                        });
                        break;
                    default:
                        await SendAsync(socket, w =>
                        {
                            w.WriteNumber("id", id);
                            w.WriteBoolean("ok", true);
                        });
                        break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            lock (_connections)
            {
                _subscribed.Remove(socket);
            }
        }
    }

    private async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private async Task SendAsync(Socket socket, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        stream.Write(new byte[4]);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var frame = stream.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        await socket.SendAsync(frame, SocketFlags.None, _stop.Token);
    }
}
