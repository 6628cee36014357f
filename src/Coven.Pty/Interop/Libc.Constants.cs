namespace Coven.Pty.Interop;

/// <summary>
/// Constants of the Linux/glibc ABI (x86_64 and arm64 share these values), grouped by the header that defines them.
/// </summary>
internal static partial class Libc
{
    // glibc ships libc.so as a linker script, so dlopen("libc.so") fails: name the real soname.
    internal const string LibraryName = "libc.so.6";

    // <fcntl.h> / <asm-generic/fcntl.h>
    internal const int O_RDWR = 0x2;
    internal const int O_NOCTTY = 0x100;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_PATH = 0x200000;

    // O_DIRECTORY and O_NOFOLLOW differ between x86_64 (asm-generic) and arm64 (asm/fcntl.h).
    internal static readonly int O_DIRECTORY = IsArm64 ? 0x4000 : 0x10000;
    internal static readonly int O_NOFOLLOW = IsArm64 ? 0x8000 : 0x20000;

    // <linux/openat2.h>; the syscall number is the same on x86_64 and arm64 (asm-generic table).
    internal const long SYS_openat2 = 437;
    internal const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    internal const ulong RESOLVE_BENEATH = 0x08;

    // <unistd.h>
    internal const int X_OK = 1;

    // <asm-generic/ioctls.h>
    internal const ulong TIOCSWINSZ = 0x5414;
    internal const ulong TIOCGWINSZ = 0x5413;

    // <spawn.h>
    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;

    // <poll.h>
    internal const short POLLIN = 0x001;
    internal const short POLLOUT = 0x004;
    internal const short POLLERR = 0x008;
    internal const short POLLHUP = 0x010;
    internal const short POLLNVAL = 0x020;

    // <asm-generic/errno-base.h>
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int EBADF = 9;
    internal const int ECHILD = 10;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EPERM = 1;
    internal const int EXDEV = 18;
    internal const int ENOTDIR = 20;
    internal const int E2BIG = 7;
    internal const int ELOOP = 40;
    internal const int ENOSYS = 38;

    // glibc opaque type sizes on 64-bit Linux are 80 (file actions), 336 (spawn attributes) and 128 (sigset_t).
    // We allocate generously so a future layout growth cannot overrun our buffers.
    internal const int OpaqueBufferSize = 1024;

    private static bool IsArm64 => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64;
}
