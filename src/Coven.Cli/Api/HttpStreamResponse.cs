using System.Net.Sockets;
using System.Text;

namespace Coven.Cli.Api;

/// <summary>
/// A response read as it arrives: one HTTP/1.1 GET over a fresh Unix-socket connection, the head parsed, and
/// the body exposed as a <see cref="Stream"/> that undoes the framing (chunked, Content-Length, or until the
/// daemon closes). Used for server-sent events, which Kestrel sends chunked and never ends until the session
/// does. The CLI's own client instead of HttpClient: HttpClient alone brought 1.3 MB of TLS, crypto and
/// proxy code into the NativeAOT binary, and every start paid for it (docs/benchmarks-cli.md).
/// </summary>
internal sealed class HttpStreamResponse : IAsyncDisposable, IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly IDisposable[] _owned;

    private HttpStreamResponse(int status, Stream body, params IDisposable[] owned)
    {
        _owned = owned;
        Status = status;
        Body = body;
    }

    public int Status { get; }

    /// <summary>The body without its transfer framing; ends (read returns 0) at the end of the body.</summary>
    public Stream Body { get; }

    /// <summary>
    /// Connects, sends the request and reads the head. A refused or missing socket is
    /// <see cref="UnixHttp.ConnectFailedException"/> (nothing was sent); a broken answer is an <see cref="IOException"/>.
    /// </summary>
    public static async Task<HttpStreamResponse> GetAsync(string socketPath, string path, string accept, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            }
            catch (SocketException e)
            {
                throw new UnixHttp.ConnectFailedException(e.Message);
            }

            var network = new NetworkStream(socket, ownsSocket: false);
            await network.WriteAsync(StreamRequest(path, accept), ct);
            var (status, body) = await ReadResponseAsync(network, ct);
            return new HttpStreamResponse(status, body, network, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same GET over a connection someone else opened (the SSH transport's <c>dial-stdio</c> pipes): the
    /// request goes to <paramref name="output"/>, the answer is read from <paramref name="input"/>, and disposing
    /// the response disposes <paramref name="owner"/> (which ends that connection).
    /// </summary>
    public static async Task<HttpStreamResponse> OverAsync(Stream output, Stream input, IDisposable owner, string path, string accept, CancellationToken ct)
    {
        await output.WriteAsync(StreamRequest(path, accept), ct);
        await output.FlushAsync(ct);
        var (status, body) = await ReadResponseAsync(input, ct);
        return new HttpStreamResponse(status, body, owner);
    }

    private static byte[] StreamRequest(string path, string accept) =>
        Encoding.ASCII.GetBytes($"GET /{path} HTTP/1.1\r\nHost: coven\r\nConnection: close\r\nAccept: {accept}\r\n\r\n");

    /// <summary>
    /// Reads the head of the response on <paramref name="connection"/> and returns its status and its body with the
    /// framing undone (chunked, Content-Length, or until the connection ends). The one framing implementation for
    /// both streamed and one-shot answers (<see cref="UnixHttp.Read"/>).
    /// </summary>
    internal static async Task<(int Status, Stream Body)> ReadResponseAsync(Stream connection, CancellationToken ct)
    {
        var reader = new BufferedReader(connection);
        var head = UnixHttp.ParseHead(await reader.ReadHeadAsync(MaxHeadBytes, ct));
        Stream body = head.Chunked ? new ChunkedBody(reader) : new LengthBody(reader, head.ContentLength ?? long.MaxValue);
        return (head.Status, body);
    }

    /// <summary>The whole body as text (for error answers, which are small).</summary>
    public async Task<string> ReadBodyAsStringAsync(CancellationToken ct)
    {
        using var text = new StreamReader(Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await text.ReadToEndAsync(ct);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads from the connection through one buffer, so the head, chunk-size lines and data share it.</summary>
    internal sealed class BufferedReader(Stream inner)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public int Buffered => _end - _start;

        /// <summary>Everything up to the blank line that ends the head (the blank line is consumed, not returned).</summary>
        public async Task<byte[]> ReadHeadAsync(int max, CancellationToken ct)
        {
            var head = new MemoryStream();
            while (true)
            {
                if (Buffered == 0 && !await FillAsync(ct))
                {
                    throw new IOException("the daemon closed the connection before a complete answer");
                }

                // Search across the part already taken plus what is buffered: the terminator may straddle reads.
                head.Write(_buffer, _start, Buffered);
                _start = _end;
                var all = head.GetBuffer().AsSpan(0, (int)head.Length);
                var end = all.IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    // Give back what follows the head: it is the start of the body.
                    var extra = all[(end + 4)..];
                    extra.CopyTo(_buffer);
                    _start = 0;
                    _end = extra.Length;
                    return all[..end].ToArray();
                }

                if (head.Length > max)
                {
                    throw new IOException($"the daemon's answer has a head longer than {max} bytes");
                }
            }
        }

        /// <summary>One line ended by CRLF, without it; null when the connection ends first.</summary>
        public async Task<string?> ReadLineAsync(int max, CancellationToken ct)
        {
            var line = new MemoryStream();
            while (true)
            {
                if (Buffered == 0 && !await FillAsync(ct))
                {
                    return null;
                }

                var span = _buffer.AsSpan(_start, Buffered);
                var lf = span.IndexOf((byte)'\n');
                if (lf >= 0)
                {
                    line.Write(span[..lf]);
                    _start += lf + 1;
                    var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
                    if (bytes.Length > 0 && bytes[^1] == '\r')
                    {
                        bytes = bytes[..^1];
                    }

                    return Encoding.ASCII.GetString(bytes);
                }

                line.Write(span);
                _start = _end;
                if (line.Length > max)
                {
                    throw new IOException("a framing line of the daemon's answer is too long");
                }
            }
        }

        /// <summary>Up to <paramref name="destination"/>.Length bytes: buffered ones first; 0 only at the end of the connection.</summary>
        public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
        {
            if (Buffered == 0)
            {
                // Large reads skip the buffer.
                if (destination.Length >= _buffer.Length)
                {
                    return await inner.ReadAsync(destination, ct);
                }

                if (!await FillAsync(ct))
                {
                    return 0;
                }
            }

            var n = Math.Min(destination.Length, Buffered);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }

        private async ValueTask<bool> FillAsync(CancellationToken ct)
        {
            _start = 0;
            _end = await inner.ReadAsync(_buffer, ct);
            return _end > 0;
        }
    }

    /// <summary>A read-only, forward-only body stream; only the async read is real.</summary>
    internal abstract class BodyStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body of a known length (or, with <see cref="long.MaxValue"/>, everything until the daemon closes).</summary>
    internal sealed class LengthBody(BufferedReader reader, long length) : BodyStream
    {
        private long _remaining = length;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_remaining == 0 || buffer.Length == 0)
            {
                return 0;
            }

            var n = await reader.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken);
            if (n == 0 && _remaining != long.MaxValue)
            {
                throw new IOException("the daemon's answer was cut short");
            }

            if (_remaining != long.MaxValue)
            {
                _remaining -= n;
            }

            return n;
        }
    }

    /// <summary>A chunked body (RFC 9112 §7.1): size lines in hex with optional extensions, data, CRLF; ends at size 0.</summary>
    internal sealed class ChunkedBody(BufferedReader reader) : BodyStream
    {
        private long _chunkLeft;
        private bool _done;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_done || buffer.Length == 0)
            {
                return 0;
            }

            if (_chunkLeft == 0)
            {
                var line = await reader.ReadLineAsync(1024, cancellationToken)
                    ?? throw new IOException("the daemon's chunked answer was cut short");
                var semicolon = line.IndexOf(';', StringComparison.Ordinal);
                var sizeText = (semicolon >= 0 ? line[..semicolon] : line).Trim();
                if (!long.TryParse(sizeText, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0)
                {
                    throw new IOException("bad chunk size in the daemon's answer");
                }

                if (size == 0)
                {
                    // Trailers (none from Kestrel here) up to the blank line; a close instead is fine too.
                    while (await reader.ReadLineAsync(8 * 1024, cancellationToken) is { Length: > 0 })
                    {
                    }

                    _done = true;
                    return 0;
                }

                _chunkLeft = size;
            }

            var n = await reader.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _chunkLeft)], cancellationToken);
            if (n == 0)
            {
                throw new IOException("the daemon's chunked answer was cut short");
            }

            _chunkLeft -= n;
            if (_chunkLeft == 0 && await reader.ReadLineAsync(2, cancellationToken) is not { Length: 0 })
            {
                throw new IOException("a chunk of the daemon's answer does not end with CRLF");
            }

            return n;
        }
    }
}
