using System.Runtime.InteropServices;

namespace Coven.Interop;

/// <summary><c>struct pollfd</c> from &lt;poll.h&gt;.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short Revents;
}
