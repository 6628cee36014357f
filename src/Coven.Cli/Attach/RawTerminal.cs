using System.Runtime.InteropServices;
using Coven.Interop;

namespace Coven.Cli.Attach;

/// <summary>
/// Puts a terminal into raw mode (cfmakeraw) and puts it back exactly as it was. <see cref="Restore"/> is
/// idempotent and safe to call from a signal handler thread while the main path also restores.
/// </summary>
internal sealed unsafe class RawTerminal : IDisposable
{
    private readonly int _fd;
    private readonly byte[] _saved;
    private int _restored;

    private RawTerminal(int fd, byte[] saved)
    {
        _fd = fd;
        _saved = saved;
    }

    /// <summary>Enters raw mode on <paramref name="fd"/>, or returns null when it is not a terminal.</summary>
    public static RawTerminal? TryEnter(int fd)
    {
        if (Libc.IsAtty(fd) != 1)
        {
            return null;
        }

        var saved = new byte[Libc.TermiosSize];
        var raw = stackalloc byte[Libc.TermiosSize];
        fixed (byte* p = saved)
        {
            if (Libc.Tcgetattr(fd, p) != 0)
            {
                return null;
            }

            new ReadOnlySpan<byte>(p, Libc.TermiosSize).CopyTo(new Span<byte>(raw, Libc.TermiosSize));
        }

        Libc.Cfmakeraw(raw);
        if (Libc.Tcsetattr(fd, Libc.TCSANOW, raw) != 0)
        {
            throw new CliException("terminal", "cannot put the terminal into raw mode: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        return new RawTerminal(fd, saved);
    }

    /// <summary>The size of the terminal on <paramref name="fd"/>, if it is one.</summary>
    public static bool TryGetSize(int fd, out int cols, out int rows)
    {
        WinSize size;
        if (Libc.Ioctl(fd, Libc.TIOCGWINSZ, &size) == 0 && size.Columns > 0 && size.Rows > 0)
        {
            cols = size.Columns;
            rows = size.Rows;
            return true;
        }

        cols = rows = 0;
        return false;
    }

    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0)
        {
            return;
        }

        fixed (byte* p = _saved)
        {
            Libc.Tcsetattr(_fd, Libc.TCSADRAIN, p);
        }
    }

    public void Dispose() => Restore();
}
