using System.Buffers;
using System.Globalization;
using System.Text;

namespace Coven.Cli.Api;

/// <summary>
/// One HTTP/1.1 request and its answer over a fresh Unix-socket connection, on the calling thread:
/// connect, write, read the answer to the end of its framing (Content-Length or the last chunk; until the daemon
/// closes only when the answer has neither). Not waiting for the close saves the daemon's teardown of the connection
/// from every command (docs/benchmarks-cli.md). Used for the one-shot requests
/// that make up almost every command, over a plain libc socket (<see cref="RawUnixSocket"/>): System.Net.Sockets
/// starts its event-loop thread and probes the machine on first use, which cost more than the request
/// (docs/benchmarks-cli.md).
/// Streams (SSE) use <see cref="HttpStreamResponse"/> over the same kind of connection.
/// </summary>
internal static class UnixHttp
{
    /// <summary>The connection was refused or the socket is missing: nothing was sent.</summary>
    internal sealed class ConnectFailedException(string message) : IOException(message);

    public static (int Status, string Body) Exchange(string socketPath, string method, string path, string? jsonBody, int timeoutMs)
    {
        var request = BuildRequest(method, path, jsonBody, keepAlive: false);
        using var socket = RawUnixSocket.Connect(socketPath, timeoutMs);
        socket.SendAll(request);
        return Read(socket.Incoming());
    }

    /// <summary>
    /// The bytes of one request. <paramref name="keepAlive"/> leaves the connection open for the next request (the
    /// SSH transport reuses one connection within a command); otherwise the daemon closes it after answering.
    /// </summary>
    internal static byte[] BuildRequest(string method, string path, string? jsonBody, bool keepAlive)
    {
        var body = jsonBody is null ? [] : Encoding.UTF8.GetBytes(jsonBody);
        var head = new StringBuilder(256)
            .Append(method).Append(" /").Append(path).Append(" HTTP/1.1\r\n")
            .Append(keepAlive ? "Host: coven\r\nAccept: application/json\r\n" : "Host: coven\r\nConnection: close\r\nAccept: application/json\r\n");
        if (jsonBody is not null)
        {
            head.Append("Content-Type: application/json; charset=utf-8\r\n");
        }

        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        var request = new byte[Encoding.ASCII.GetByteCount(head.ToString()) + body.Length];
        var n = Encoding.ASCII.GetBytes(head.ToString(), request);
        body.CopyTo(request, n);
        return request;
    }

    /// <summary>
    /// Status and body of one HTTP/1.1 answer (Content-Length, chunked, or until close) from <paramref name="connection"/>,
    /// whose reads complete synchronously (a blocking socket; memory in the tests).
    /// </summary>
    internal static (int Status, string Body) Read(Stream connection)
    {
        // The framing code of streamed answers: the body stream ends where the framing says the answer ends.
        var (status, body) = HttpStreamResponse.ReadResponseAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
        using (body)
        {
            // The body's bytes, then one decode: a StreamReader would decode into a StringBuilder piece by piece
            // and copy the whole answer once more (docs/benchmarks-cli.md). Invalid UTF-8 becomes U+FFFD either way.
            var bytes = new ArrayBufferWriter<byte>(16 * 1024);
            var chunk = new byte[4 * 1024];
            int n;
            while ((n = body.Read(chunk, 0, chunk.Length)) > 0)
            {
                bytes.Write(chunk.AsSpan(0, n));
            }

            return (status, Encoding.UTF8.GetString(bytes.WrittenSpan));
        }
    }

    /// <summary>What the framing of a response needs from its head (status line and headers, without the blank line).</summary>
    internal readonly record struct ResponseHead(int Status, bool Chunked, long? ContentLength);

    internal static ResponseHead ParseHead(ReadOnlySpan<byte> headBytes)
    {
        var headers = Encoding.ASCII.GetString(headBytes).Split("\r\n");
        var statusParts = headers[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException("the daemon's answer is not HTTP/1.1: " + headers[0]);
        }

        var chunked = false;
        long? length = null;
        foreach (var h in headers.AsSpan(1))
        {
            var colon = h.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = h[..colon].Trim();
            var value = h[(colon + 1)..].Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            {
                length = l;
            }
        }

        return new ResponseHead(status, chunked, length);
    }
}
