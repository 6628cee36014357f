using System.Runtime.InteropServices;
using Coven.Interop;

namespace Coven.Cli.Output;

/// <summary>
/// Write-only stream over an inherited descriptor with plain write(2). FileStream is wrong here: on a regular
/// file it keeps its own offset and writes with pwrite, so `{ coven a; coven b; } &gt; log` or `&gt;&gt; log` would
/// overwrite what others wrote; System.Console initialises terminfo and emits keypad modes.
/// </summary>
/// <remarks>
/// A closed reader (<c>| head</c>, <c>| grep -q</c>, <c>2&gt;&amp;1 | true</c>) is EPIPE here (.NET ignores SIGPIPE):
/// stdout throws an <see cref="IOException"/> with HResult 32 once, which ends the command quietly (CliApp); stderr
/// with <see cref="DiscardWhenBroken"/> drops the text instead, so reporting an error never aborts and the exit code
/// stays the command's.
/// </remarks>
internal sealed class FdWriteStream(int fd) : Stream
{
    /// <summary>EPIPE (Linux); kept here rather than in Interop/, which another change owns.</summary>
    internal const int EPIPE = 32;

    private bool _broken;

    /// <summary>Drop writes once the reader has gone instead of throwing (stderr).</summary>
    public bool DiscardWhenBroken { get; init; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        if (_broken)
        {
            if (DiscardWhenBroken)
            {
                return;
            }

            throw new IOException("Broken pipe", EPIPE);
        }

        fixed (byte* p = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = Libc.Write(fd, p + done, buffer.Length - done);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is Libc.EINTR or Libc.EAGAIN)
                    {
                        continue;
                    }

                    if (errno == EPIPE)
                    {
                        _broken = true;
                        if (DiscardWhenBroken)
                        {
                            return;
                        }
                    }

                    throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
                }

                done += (int)n;
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
