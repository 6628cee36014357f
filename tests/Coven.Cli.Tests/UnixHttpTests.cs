using System.Text;
using Coven.Cli.Api;

namespace Coven.Cli.Tests;

public sealed class UnixHttpTests
{
    [Fact]
    public void Parse_ContentLength_TakesExactlyTheBody()
    {
        var (status, body) = UnixHttp.Parse(Bytes("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{\"a\"}trailing"));

        Assert.Equal(201, status);
        Assert.Equal("{\"a\"}", body);
    }

    [Fact]
    public void Parse_Chunked_JoinsTheChunks()
    {
        var (status, body) = UnixHttp.Parse(Bytes("HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"er\r\na;ext=1\r\nror\":\"ü\"}\r\n0\r\n\r\n"));

        Assert.Equal(404, status);
        Assert.Equal("{\"error\":\"ü\"}", body);
    }

    [Fact]
    public void Parse_NoLength_TakesEverythingToTheClose()
    {
        var (status, body) = UnixHttp.Parse(Bytes("HTTP/1.1 200 OK\r\n\r\nall of it"));

        Assert.Equal(200, status);
        Assert.Equal("all of it", body);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort")]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    public void Parse_BrokenAnswers_AreIOExceptions(string text) =>
        Assert.ThrowsAny<IOException>(() => UnixHttp.Parse(Bytes(text)));

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
