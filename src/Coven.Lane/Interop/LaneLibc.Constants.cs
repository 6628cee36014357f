namespace Coven.Lane.Interop;

/// <summary>Constants of the Linux/glibc ABI used by the lane, by header.</summary>
internal static partial class LaneLibc
{
    // glibc ships libc.so as a linker script, so dlopen("libc.so") fails: name the real soname.
    internal const string LibraryName = "libc.so.6";

    // <fcntl.h>
    internal const int O_RDWR = 0x2;
    internal const int O_CLOEXEC = 0x80000;

    // <linux/prctl.h>
    internal const int PR_SET_CHILD_SUBREAPER = 36;

    // <signal.h>
    internal const int SIGTERM = 15;
    internal const int SIGKILL = 9;
    internal const int SIGCONT = 18;

    // <sys/wait.h>
    internal const int WNOHANG = 1;

    // <asm-generic/errno-base.h>
    internal const int EINTR = 4;
    internal const int EPERM = 1;
}
