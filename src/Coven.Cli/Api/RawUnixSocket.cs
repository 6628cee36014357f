using System.Runtime.InteropServices;
using System.Text;
using Coven.Interop;

namespace Coven.Cli.Api;

/// <summary>
/// A blocking Unix stream socket on the calling thread, straight on libc: socket, connect, send, read, close,
/// with send/receive timeouts. For the one-request commands; streams use System.Net.Sockets.
/// </summary>
internal sealed class RawUnixSocket : IDisposable
{
    private int _fd;

    private RawUnixSocket(int fd) => _fd = fd;

    /// <summary>Connects; a missing socket or a refused connection is <see cref="UnixHttp.ConnectFailedException"/>.</summary>
    public static RawUnixSocket Connect(string path, int timeoutMs)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path);
        if (pathBytes.Length >= Libc.SunPathLength || pathBytes.Contains((byte)0))
        {
            throw new IOException($"socket path is not usable ({pathBytes.Length} bytes, at most {Libc.SunPathLength - 1}): {path}");
        }

        // A connect interrupted by a signal may complete in the background and cannot simply be called again:
        // start over with a fresh socket instead.
        for (var attempt = 0; ; attempt++)
        {
            if (TryConnect(pathBytes, timeoutMs, out var socket, out var errno))
            {
                return socket!;
            }

            if (errno != Libc.EINTR || attempt == 3)
            {
                throw new UnixHttp.ConnectFailedException(Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }

    private static unsafe bool TryConnect(byte[] pathBytes, int timeoutMs, out RawUnixSocket? socket, out int errno)
    {
        socket = null;
        var fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new IOException("cannot create a socket: " + LastError());
        }

        var candidate = new RawUnixSocket(fd);
        var timeout = stackalloc long[2] { timeoutMs / 1000, timeoutMs % 1000 * 1000 };
        Libc.Setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 16);
        Libc.Setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, timeout, 16);

        var address = stackalloc byte[2 + Libc.SunPathLength];
        new Span<byte>(address, 2 + Libc.SunPathLength).Clear();
        *(ushort*)address = Libc.AF_UNIX;
        pathBytes.CopyTo(new Span<byte>(address + 2, Libc.SunPathLength));
        if (Libc.Connect(fd, address, (uint)(2 + pathBytes.Length + 1)) == 0)
        {
            socket = candidate;
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        candidate.Dispose();
        return false;
    }

    public unsafe void SendAll(ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            var sent = 0;
            while (sent < data.Length)
            {
                var n = Libc.Send(_fd, start + sent, data.Length - sent, Libc.MSG_NOSIGNAL);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR)
                    {
                        continue;
                    }

                    throw new IOException(errno == Libc.EAGAIN ? "timed out sending to the daemon" : "sending to the daemon failed: " + Marshal.GetPInvokeErrorMessage(errno));
                }

                sent += (int)n;
            }
        }
    }

    /// <summary>
    /// The connection's incoming bytes as a blocking stream on the calling thread, so a reader can stop at the end of
    /// the answer's framing instead of waiting for the daemon to close the connection.
    /// </summary>
    public Stream Incoming() => new IncomingStream(this);

    /// <summary>Up to <paramref name="buffer"/>.Length bytes; 0 when the peer closed (or reset after sending something).</summary>
    private unsafe int Read(Span<byte> buffer, bool receivedBefore)
    {
        while (true)
        {
            nint n;
            fixed (byte* start = buffer)
            {
                n = Libc.Read(_fd, start, buffer.Length);
            }

            if (n >= 0)
            {
                return (int)n;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                continue;
            }

            // A peer that closes without reading all we sent (an early error answer to a large body) resets the
            // connection; what it answered before that is complete or not, and the parser tells which.
            if (errno == Libc.ECONNRESET && receivedBefore)
            {
                return 0;
            }

            throw new IOException(errno == Libc.EAGAIN ? "timed out waiting for the daemon's answer" : "reading the daemon's answer failed: " + Marshal.GetPInvokeErrorMessage(errno));
        }
    }

    /// <summary>Read-only, blocking; the async reads complete synchronously (the one-shot requests run on one thread).</summary>
    private sealed class IncomingStream(RawUnixSocket socket) : Stream
    {
        private bool _received;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = socket.Read(buffer, _received);
            _received |= n > 0;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }

    private static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
}
