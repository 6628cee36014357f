using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Coven.Daemon.Lanes;
using Coven.TestSupport;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// Issue 12 items 10 and 18: <see cref="LaneClient"/> against a real Unix socket whose far end the test controls: a
/// lane that reads but never answers, one that never reads (the send blocks part-way), one that floods notifications.
/// </summary>
public sealed class LaneClientTests : IDisposable
{
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(300);
    private readonly TempDir _dir = new();
    private readonly Socket _listener;

    public LaneClientTests()
    {
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(4);
    }

    private string SocketPath => _dir.Combine("lane.sock");

    public void Dispose()
    {
        _listener.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task DisposedClient_IsNotConnected_AndAskingDoesNotThrow()
    {
        // Health lists the connected monitors while covend stops and disposes them: asking a disposed one was an
        // ObjectDisposedException, answered as a 500 internal error to 'coven daemon stop' waiting for the daemon.
        var client = await ConnectAsync();
        using var far = await _listener.AcceptAsync();
        var monitor = new Coven.Daemon.Supervision.SessionMonitor(Coven.Core.SessionId.New(), client, null);
        Assert.True(monitor.IsConnected);

        await client.DisposeAsync();

        Assert.True(client.IsClosed);
        Assert.False(monitor.IsConnected);
    }

    [Fact]
    public async Task SentButNoAnswer_IsATimeoutThatSaysSent_AndKeepsTheConnection()
    {
        await using var client = await ConnectAsync();
        using var far = await _listener.AcceptAsync();
        var request = client.RequestAsync("kill", w => w.WriteString("signal", "TERM"), s_short, CancellationToken.None);

        // The far end has the whole frame (so the lane got the kill) and does not answer.
        var frame = await ReadFrameAsync(far);
        Assert.Contains("\"op\":\"kill\"", frame, StringComparison.Ordinal);
        var reply = await request;
        Assert.False(reply.Ok);
        Assert.True(reply.TimedOut);
        Assert.True(reply.Sent);
        Assert.Contains("may still apply", reply.ErrorMessage, StringComparison.Ordinal);
        Assert.False(client.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task SendCutOffPartWay_IsATimeoutThatSaysNotSent_AndClosesTheConnection()
    {
        await using var client = await ConnectAsync();
        using var far = await _listener.AcceptAsync();

        // Nobody reads: 900 KB do not fit the socket buffers, so the send is cancelled with part of the frame written.
        var data = new string('x', 900_000);
        var reply = await client.RequestAsync("input", w => w.WriteString("data", data), s_short, CancellationToken.None);
        Assert.True(reply.TimedOut);
        Assert.False(reply.Sent);
        Assert.Contains("did not get it", reply.ErrorMessage, StringComparison.Ordinal);

        // Before the fix the connection stayed open with half a frame on it; now it is closed.
        Assert.True(client.Closed.IsCancellationRequested);
        var next = await client.RequestAsync("status", null, s_short, CancellationToken.None);
        Assert.False(next.Sent);
        Assert.True(next.Unavailable);
    }

    [Fact]
    public async Task NotificationsNobodyReads_StayBounded_NewestKept()
    {
        await using var client = await ConnectAsync();
        using var far = await _listener.AcceptAsync();
        const int sent = LaneClient.NotificationCapacity * 8;

        // The lane floods "appended" notices and then answers a request: the client reads frames in order, so once
        // the reply is in, every notice has been dispatched.
        var request = client.RequestAsync("status", null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var frame = await ReadFrameAsync(far);
        var id = System.Text.Json.JsonDocument.Parse(frame).RootElement.GetProperty("id").GetInt32();
        for (var seq = 1; seq <= sent; seq++)
        {
            await WriteFrameAsync(far, $$"""{"event":"appended","seq":{{seq}}}""");
        }

        await WriteFrameAsync(far, $$"""{"id":{{id}},"ok":true}""");
        Assert.True((await request).Ok);

        // Before the fix all 2048 stayed queued (unbounded); now at most the capacity, and the newest survives.
        Assert.True(client.Notifications.Count <= LaneClient.NotificationCapacity, $"{client.Notifications.Count} notifications queued");
        long last = 0;
        while (client.Notifications.TryRead(out var n))
        {
            Assert.True(n.Seq > last);
            last = n.Seq;
        }

        Assert.Equal(sent, last);
    }

    private async Task<LaneClient> ConnectAsync() =>
        await LaneClient.ConnectAsync(SocketPath, TimeSpan.FromSeconds(5), CancellationToken.None) ?? throw new InvalidOperationException("no connection");

    private static async Task<string> ReadFrameAsync(Socket socket)
    {
        var header = new byte[4];
        await ReadExactlyAsync(socket, header);
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        await ReadExactlyAsync(socket, body);
        return Encoding.UTF8.GetString(body);
    }

    private static async Task WriteFrameAsync(Socket socket, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        await socket.SendAsync(frame, SocketFlags.None);
    }

    private static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None);
            Assert.True(n > 0, "the client closed the connection");
            read += n;
        }
    }
}
