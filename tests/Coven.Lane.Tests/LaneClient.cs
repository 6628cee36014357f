using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Coven.Core;

namespace Coven.Lane.Tests;

/// <summary>
/// A test client of the lane control socket: framed JSON requests (the product's codec, <see cref="LaneFrame"/>), replies
/// matched by id, notifications queued.
/// </summary>
internal sealed class LaneClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Channel<JsonObject> _replies = Channel.CreateUnbounded<JsonObject>();
    private readonly Channel<JsonObject> _notifications = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _reader;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _nextId;

    private LaneClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = Task.Run(ReadLoopAsync);
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Completes when the lane closes the connection.</summary>
    public Task Closed => _reader;

    public static async Task<LaneClient> ConnectAsync(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).WaitAsync(Timeout);
        return new LaneClient(socket);
    }

    /// <summary>Sends {"v":1,"id":N,"op":op, ...fields} and returns the reply with the same id.</summary>
    public async Task<JsonObject> RequestAsync(string op, JsonObject? fields = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject { ["v"] = LaneFrame.ProtocolVersion, ["id"] = id, ["op"] = op };
        foreach (var (key, value) in fields ?? [])
        {
            request[key] = value?.DeepClone();
        }

        await SendRawAsync(Encoding.UTF8.GetBytes(request.ToJsonString()));
        var reply = await NextReplyAsync();
        Assert.Equal(id, reply["id"]!.GetValue<int>());
        return reply;
    }

    public async Task SendRawAsync(byte[] payload) => await SendFrameAsync(payload.Length, payload);

    /// <summary>Writes a frame header announcing <paramref name="length"/> bytes followed by <paramref name="payload"/>.</summary>
    public async Task SendFrameAsync(int length, byte[] payload)
    {
        // One write: a lane that rejects the header and closes must not turn a second write into a broken pipe.
        var frame = new byte[LaneFrame.HeaderBytes + payload.Length];
        LaneFrame.WriteHeader(frame, length);
        payload.CopyTo(frame, LaneFrame.HeaderBytes);
        await _sendLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(frame);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task<JsonObject> NextReplyAsync() => await _replies.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async Task<JsonObject> NextNotificationAsync() => await _notifications.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Reads notifications until one has the given event name.</summary>
    public async Task<JsonObject> WaitForEventAsync(string name)
    {
        while (true)
        {
            var n = await NextNotificationAsync();
            if ((string?)n["event"] == name)
            {
                return n;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Close();
        try
        {
            await _reader.WaitAsync(Timeout);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException)
        {
        }

        await _stream.DisposeAsync();
        _sendLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[LaneFrame.HeaderBytes];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header);
                var length = LaneFrame.ReadLength(header);
                if (!LaneFrame.IsValidLength(length))
                {
                    // A frame the protocol forbids ends the connection, as in the daemon's client.
                    break;
                }

                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload);
                var node = JsonNode.Parse(payload)!.AsObject();
                if (node.ContainsKey("event"))
                {
                    await _notifications.Writer.WriteAsync(node);
                }
                else
                {
                    await _replies.Writer.WriteAsync(node);
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or SocketException or ObjectDisposedException or JsonException)
        {
        }
        finally
        {
            _replies.Writer.TryComplete();
            _notifications.Writer.TryComplete();
        }
    }
}
