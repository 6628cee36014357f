using System.Text;
using Coven.Cli.Api;

namespace Coven.Cli.Tests;

public sealed class UnixHttpTests
{
    [Fact]
    public void Read_ContentLength_TakesExactlyTheBody()
    {
        var (status, body) = UnixHttp.Read(Memory("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{\"a\"}trailing"));

        Assert.Equal(201, status);
        Assert.Equal("{\"a\"}", body);
    }

    [Fact]
    public void Read_Chunked_JoinsTheChunks()
    {
        var (status, body) = UnixHttp.Read(Memory("HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"er\r\na;ext=1\r\nror\":\"ü\"}\r\n0\r\n\r\n"));

        Assert.Equal(404, status);
        Assert.Equal("{\"error\":\"ü\"}", body);
    }

    [Fact]
    public void Read_NoLength_TakesEverythingToTheClose()
    {
        var (status, body) = UnixHttp.Read(Memory("HTTP/1.1 200 OK\r\n\r\nall of it"));

        Assert.Equal(200, status);
        Assert.Equal("all of it", body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_LargeBody_ArrivingInSmallPieces_IsDecodedWhole(bool chunked)
    {
        // 200 KB of text whose 2- and 3-byte characters straddle every read boundary (7-byte reads), then one
        // invalid byte: the body is decoded once, so no character is split, and bad UTF-8 becomes U+FFFD.
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"ü{i % 10}€x"));
        var bytes = Encoding.UTF8.GetBytes(text).Append((byte)0xFF).ToArray();
        var head = chunked
            ? $"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{bytes.Length:x}\r\n"
            : $"HTTP/1.1 200 OK\r\nContent-Length: {bytes.Length}\r\n\r\n";
        var answer = Encoding.ASCII.GetBytes(head).Concat(bytes).Concat(chunked ? "\r\n0\r\n\r\n"u8.ToArray() : []).ToArray();

        var (status, body) = UnixHttp.Read(new TrickleStream(answer, 7));

        Assert.Equal(200, status);
        Assert.Equal(text + "\uFFFD", body);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort")]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    public void Read_BrokenAnswers_AreIOExceptions(string text) =>
        Assert.ThrowsAny<IOException>(() => UnixHttp.Read(Memory(text)));

    [Fact]
    public void Exchange_OverARealSocket_SendsOneRequestAndReadsTheSplitAnswer()
    {
        using var dir = new Coven.TestSupport.TempDir();
        var socket = dir.Combine("s.sock");
        using var server = new ScriptedServer(socket, _ => ScriptedServer.Split("HTTP/1.1 201 Created\r\nContent-Length: 8\r\n\r\n{\"id\":1}", 3, 20, 40));

        var (status, body) = UnixHttp.Exchange(socket, "POST", "api/v1/x", "{\"a\":\"ü\"}", 10_000);

        Assert.Equal(201, status);
        Assert.Equal("{\"id\":1}", body);
        var head = server.Requests.Single();
        Assert.StartsWith("POST /api/v1/x HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 10\r\n", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"id\":1}")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"i\r\n5\r\nd\":1}\r\n0\r\n\r\n")]
    public void Exchange_CompleteAnswer_ReturnsWithoutWaitingForTheClose(string answer)
    {
        // The server keeps the connection open after its answer. A client that read until the close would run into
        // its 5 s receive timeout (an IOException) long before the server lets go.
        using var dir = new Coven.TestSupport.TempDir();
        var socket = dir.Combine("s.sock");
        using var hold = new ManualResetEventSlim();
        using var server = new ScriptedServer(socket, _ => ScriptedServer.Split(answer, 20), hold);

        try
        {
            var (status, body) = UnixHttp.Exchange(socket, "GET", "api/v1/sessions", null, 5_000);

            Assert.Equal(200, status);
            Assert.Equal("{\"id\":1}", body);
        }
        finally
        {
            hold.Set();
        }
    }

    [Fact]
    public void Exchange_MissingSocket_IsAConnectFailure()
    {
        using var dir = new Coven.TestSupport.TempDir();

        var e = Assert.Throws<UnixHttp.ConnectFailedException>(() => UnixHttp.Exchange(dir.Combine("none.sock"), "GET", "x", null, 1000));
        Assert.Equal("No such file or directory", e.Message);
    }

    [Fact]
    public void Exchange_SilentDaemon_TimesOutWithAClearError()
    {
        using var dir = new Coven.TestSupport.TempDir();
        var socket = dir.Combine("s.sock");
        using var hold = new ManualResetEventSlim();
        using var server = new ScriptedServer(socket, _ => [], hold);

        var e = Assert.ThrowsAny<IOException>(() => UnixHttp.Exchange(socket, "GET", "x", null, 200));
        hold.Set();
        Assert.Equal("timed out waiting for the daemon's answer", e.Message);
    }

    [Fact]
    public void Exchange_TooLongSocketPath_IsAnErrorNotAConnectAttempt()
    {
        var e = Assert.ThrowsAny<IOException>(() => UnixHttp.Exchange("/tmp/" + new string('x', 200), "GET", "x", null, 1000));
        Assert.IsNotType<UnixHttp.ConnectFailedException>(e);
    }

    private static MemoryStream Memory(string s) => new(Encoding.UTF8.GetBytes(s), writable: false);

    /// <summary>A connection that hands out at most <c>piece</c> bytes per read, as a socket may.</summary>
    private sealed class TrickleStream(byte[] data, int piece) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, piece)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, piece), cancellationToken);
    }
}
