using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Coven.Core;

namespace Coven.Lane.Control;

/// <summary>
/// One client of the control socket: requests are handled one at a time in order; replies and notifications
/// leave through one outgoing queue so frames never interleave.
/// </summary>
internal sealed class ControlConnection : IDisposable
{
    private const int OutgoingCapacity = 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ControlRequestHandler _handler;
    private readonly NotificationHub _hub;
    private readonly LaneLog _log;
    private readonly Channel<byte[]> _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutgoingCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private int _exitedSent;

    public ControlConnection(Socket socket, ControlRequestHandler handler, NotificationHub hub, LaneLog log)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _handler = handler;
        _hub = hub;
        _log = log;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The writer is not tied to the lane's token: it ends when the outgoing queue is completed, so replies
        // already queued when the lane stops (say, to the input that made the harness exit) still go out.
        using var stop = new CancellationTokenSource();
        var writer = WriteLoopAsync(stop.Token);
        try
        {
            await ReadLoopAsync(stop.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the lane is stopping: nothing to answer.
        }
        catch (Exception ex)
        {
            // A bug in request handling must cost this connection at most, never the lane or the harness.
            _log.Error("control connection failed", ex);
        }
        finally
        {
            _hub.Remove(this);
            _outgoing.Writer.TryComplete();
            try
            {
                // Let queued replies (a too_large answer, say) reach the client before closing, within a bound.
                await writer.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or IOException or SocketException)
            {
            }

            await stop.CancelAsync();
            Dispose();
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Queues a reply, waiting while the outgoing queue is full.</summary>
    public ValueTask SendAsync(byte[] frame, CancellationToken cancellationToken) => _outgoing.Writer.WriteAsync(frame, cancellationToken);

    /// <summary>Queues a droppable notification.</summary>
    public void TryPost(byte[] frame) => _outgoing.Writer.TryWrite(frame);

    /// <summary>Queues the exited notification, at most once per connection.</summary>
    public void PostExited(byte[] frame)
    {
        if (Interlocked.Exchange(ref _exitedSent, 1) == 0 && !_outgoing.Writer.TryWrite(frame))
        {
            _ = _outgoing.Writer.WriteAsync(frame).AsTask();
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var header = new byte[LaneFrame.HeaderBytes];
        while (true)
        {
            if (!await ReadFullyAsync(header, cancellationToken))
            {
                return;
            }

            var length = LaneFrame.ReadLength(header);
            if (!LaneFrame.IsValidLength(length))
            {
                // The rest of the stream cannot be framed any more: answer, then close this connection only.
                await SendAsync(ControlFrame.Error(null, ControlErrors.TooLarge, $"frame length {length} is outside 1..{LaneFrame.MaxPayloadBytes}"), cancellationToken);
                return;
            }

            var payload = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                if (!await ReadFullyAsync(payload.AsMemory(0, (int)length), cancellationToken))
                {
                    return;
                }

                await _handler.HandleAsync(this, payload.AsMemory(0, (int)length), cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }

    private async Task<bool> ReadFullyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[read..], cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                await _stream.WriteAsync(frame, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Reader side notices the broken connection too.
            _socket.Close();
        }
    }
}
