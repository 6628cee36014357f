using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Coven.Core;

namespace Coven.Daemon.Lanes;

/// <summary>
/// One connection to a lane's control socket (protocol v1): length-prefixed JSON frames (<see cref="LaneFrame"/>, the
/// codec the lane uses too), requests matched to replies by id, notifications delivered through
/// <see cref="Notifications"/>. Thread-safe for concurrent requests. <see cref="Closed"/> fires when the connection dies; pending requests then answer "unavailable".
/// </summary>
internal sealed class LaneClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<LaneReply>> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    /// <summary>
    /// Bounded: a monitor that falls behind loses the oldest "appended" notices, never memory. Notices carry the newest
    /// seq and "exited" is the last one a lane sends, so dropping old ones loses nothing a reader needs.
    /// </summary>
    private readonly Channel<LaneNotification> _notifications = Channel.CreateBounded<LaneNotification>(
        new BoundedChannelOptions(NotificationCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Task _readLoop;
    private int _nextId;

    public const int NotificationCapacity = 256;

    private LaneClient(Socket socket)
    {
        _socket = socket;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public CancellationToken Closed => _closed.Token;

    /// <summary>Whether the connection is closed; unlike <see cref="Closed"/>, safe to ask after DisposeAsync (health during shutdown).</summary>
    public bool IsClosed => _closed.IsCancellationRequested;

    public ChannelReader<LaneNotification> Notifications => _notifications.Reader;

    /// <summary>Connects to a lane socket; null when nobody answers within <paramref name="timeout"/>.</summary>
    public static async Task<LaneClient?> ConnectAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!Path.Exists(socketPath))
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token);
            return new LaneClient(socket);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    /// <summary>Sends one request and awaits its reply; never throws for lane or connection failures.</summary>
    public async Task<LaneReply> RequestAsync(string op, Action<Utf8JsonWriter>? writeArguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_closed.IsCancellationRequested)
        {
            return LaneReply.NoAnswer("the lane connection is closed");
        }

        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<LaneReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        try
        {
            var frame = LaneFrame.Build(writer =>
            {
                writer.WriteNumber("v", LaneFrame.ProtocolVersion);
                writer.WriteNumber("id", id);
                writer.WriteString("op", op);
                writeArguments?.Invoke(writer);
            });
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            cts.CancelAfter(timeout);
            var sent = false;
            var sending = false;
            try
            {
                await _writeLock.WaitAsync(cts.Token);
                try
                {
                    sending = true;
                    await _socket.SendAsync(frame, SocketFlags.None, cts.Token);
                    sent = true;
                }
                finally
                {
                    _writeLock.Release();
                }

                return await tcs.Task.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var connectionClosed = _closed.IsCancellationRequested;
                if (sending && !sent)
                {
                    // Part of the frame may be on the socket: the next frame would be read as its tail. Only a new
                    // connection has a clean frame boundary.
                    Close();
                }

                if (connectionClosed)
                {
                    return LaneReply.NoAnswer("the lane connection closed", sent);
                }

                return LaneReply.NoAnswerInTime(
                    sent
                        ? $"the lane received '{op}' but did not answer within {Durations.Format(timeout)}; it may still apply it"
                        : $"'{op}' could not be sent to the lane within {Durations.Format(timeout)}; the lane did not get it",
                    sent);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                Close();
                return LaneReply.NoAnswer("the lane connection failed: " + e.Message, sent);
            }
            catch (OperationCanceledException) when (sending && !sent)
            {
                // The caller gave up part-way through the frame: same as above, the connection has no frame boundary.
                Close();
                throw;
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        try
        {
            await _readLoop;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _closed.Dispose();
        _writeLock.Dispose();
    }

    private void Close()
    {
        if (!_closed.IsCancellationRequested)
        {
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[LaneFrame.HeaderBytes];
        try
        {
            while (true)
            {
                if (!await ReadExactlyAsync(header))
                {
                    break;
                }

                var announced = LaneFrame.ReadLength(header);
                if (!LaneFrame.IsValidLength(announced))
                {
                    break;
                }

                var length = (int)announced;

                var body = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    if (!await ReadExactlyAsync(body.AsMemory(0, length)))
                    {
                        break;
                    }

                    Dispatch(body.AsMemory(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(body);
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException or JsonException)
        {
            // A broken or garbled connection is the same as a closed one: the monitor decides what it means.
        }
        finally
        {
            Close();
            _notifications.Writer.TryComplete();
            foreach (var (_, tcs) in _pending)
            {
                tcs.TrySetResult(LaneReply.NoAnswer("the lane connection closed"));
            }
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> frame)
    {
        using var doc = JsonDocument.Parse(frame);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (root.TryGetProperty("event", out var ev) && ev.ValueKind == JsonValueKind.String)
        {
            var seq = root.TryGetProperty("seq", out var s) && s.TryGetInt64(out var n) ? n : 0;
            _notifications.Writer.TryWrite(new LaneNotification(ev.GetString()!, seq));
            return;
        }

        if (!root.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var id) || !_pending.TryGetValue(id, out var tcs))
        {
            return;
        }

        var ok = root.TryGetProperty("ok", out var okElement) && okElement.ValueKind == JsonValueKind.True;
        if (ok)
        {
            tcs.TrySetResult(new LaneReply(true, root.Clone(), null, null));
            return;
        }

        string? code = null;
        string? message = null;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            code = error.TryGetProperty("code", out var c) ? c.ToString() : null;
            message = error.TryGetProperty("message", out var m) ? m.ToString() : null;
        }

        tcs.TrySetResult(new LaneReply(false, root.Clone(), code ?? "error", message ?? "the lane refused the request"));
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _socket.ReceiveAsync(buffer[read..], SocketFlags.None, _closed.Token);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
