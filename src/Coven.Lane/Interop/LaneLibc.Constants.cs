namespace Coven.Lane.Interop;

/// <summary>Constants of the Linux/glibc ABI used by the lane, by header.</summary>
internal static partial class LaneLibc
{
    // glibc ships libc.so as a linker script, so dlopen("libc.so") fails: name the real soname.
    internal const string LibraryName = "libc.so.6";

    // <fcntl.h>
    internal const int O_RDWR = 0x2;
    internal const int O_CLOEXEC = 0x80000;

    // <asm-generic/errno-base.h>
    internal const int EINTR = 4;
    internal const int EPERM = 1;
}
