using System.Text;
using Coven.Cli.Api;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>The CLI's streaming HTTP client (server-sent events) against a real Unix socket with awkwardly split answers.</summary>
public sealed class HttpStreamResponseTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Socket => _dir.Combine("s.sock");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int[]> Cuts => new()
    {
        Array.Empty<int>(),
        new[] { 1, 17, 18, 19 },          // inside the status line and around the end of the head
        new[] { 60, 61, 62, 63, 64, 65 }, // through the blank line, a size line and a chunk's CRLF, byte by byte
        new[] { 66, 70, 75, 80, 90, 100 },
    };

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task Chunked_BodyIsReassembledWhereverTheReadsSplit(int[] cuts)
    {
        const string Response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "7\r\ndata: a\r\n" + "1;ext=x\r\n\n\r\n" + "11\r\ndata: ü-é-中\n\n\r\n" + "0\r\n\r\n";
        using var server = new ScriptedServer(Socket, _ => ScriptedServer.Split(Response, [.. cuts.Where(c => c < Encoding.UTF8.GetByteCount(Response))]));

        await using var response = await HttpStreamResponse.GetAsync(Socket, "api/v1/x?afterSeq=0", "text/event-stream", CancellationToken.None);
        var body = await response.ReadBodyAsStringAsync(CancellationToken.None);

        Assert.Equal(200, response.Status);
        Assert.Equal("data: a\n" + "data: ü-é-中\n\n", body);
        Assert.StartsWith("GET /api/v1/x?afterSeq=0 HTTP/1.1\r\n", server.Requests.Single(), StringComparison.Ordinal);
        Assert.Contains("\r\nAccept: text/event-stream\r\n", server.Requests.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentLength_StopsAtTheLengthEvenIfMoreFollows()
    {
        using var server = new ScriptedServer(Socket, _ => ScriptedServer.Split("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n{\"a\"}", 30));

        await using var response = await HttpStreamResponse.GetAsync(Socket, "p", "application/json", CancellationToken.None);

        Assert.Equal(404, response.Status);
        Assert.Equal("{\"a\"", await response.ReadBodyAsStringAsync(CancellationToken.None));
    }

    [Fact]
    public async Task NoFraming_BodyRunsUntilTheServerCloses()
    {
        using var server = new ScriptedServer(Socket, _ => ScriptedServer.Split("HTTP/1.1 200 OK\r\n\r\nline one\nline two\n", 25));

        await using var response = await HttpStreamResponse.GetAsync(Socket, "p", "text/event-stream", CancellationToken.None);

        Assert.Equal("line one\nline two\n", await response.ReadBodyAsStringAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort")]            // connection ends inside a chunk
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")] // size is not hex
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n")]     // chunk not followed by CRLF
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]                           // shorter than announced
    public async Task BrokenBodies_AreIOExceptions(string text)
    {
        using var server = new ScriptedServer(Socket, _ => [ScriptedServer.Bytes(text)]);

        await using var response = await HttpStreamResponse.GetAsync(Socket, "p", "text/event-stream", CancellationToken.None);

        await Assert.ThrowsAnyAsync<IOException>(() => response.ReadBodyAsStringAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n")] // closed before the head ended
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n")]               // not HTTP
    public async Task BrokenHeads_AreIOExceptions(string text)
    {
        using var server = new ScriptedServer(Socket, _ => [ScriptedServer.Bytes(text)]);

        await Assert.ThrowsAnyAsync<IOException>(() => HttpStreamResponse.GetAsync(Socket, "p", "text/event-stream", CancellationToken.None));
    }

    [Fact]
    public async Task EndlessHead_IsRefusedInsteadOfBufferedForever()
    {
        var header = ScriptedServer.Bytes("X-Filler: " + new string('x', 1000) + "\r\n");
        using var server = new ScriptedServer(Socket, _ => [ScriptedServer.Bytes("HTTP/1.1 200 OK\r\n"), .. Enumerable.Repeat(header, 100)]);

        var e = await Assert.ThrowsAnyAsync<IOException>(() => HttpStreamResponse.GetAsync(Socket, "p", "text/event-stream", CancellationToken.None));
        Assert.Contains("head longer than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSocket_IsAConnectFailure_NothingSent()
    {
        await Assert.ThrowsAsync<UnixHttp.ConnectFailedException>(() => HttpStreamResponse.GetAsync(_dir.Combine("none.sock"), "p", "text/event-stream", CancellationToken.None));
    }

    [Fact]
    public async Task Cancellation_EndsAReadThatWaitsForever()
    {
        // Head sent, then the connection stays open and silent, like a quiet session's event stream.
        using var hold = new ManualResetEventSlim();
        using var server = new ScriptedServer(Socket, _ => [ScriptedServer.Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")], hold);

        await using var response = await HttpStreamResponse.GetAsync(Socket, "p", "text/event-stream", CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var read = response.Body.ReadAsync(new byte[16], cts.Token).AsTask();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        hold.Set();
    }
}
