namespace Coven.Cli.Interop;

/// <summary>Constants of the Linux/glibc ABI (x86_64 and arm64 share these values), grouped by header.</summary>
internal static partial class Libc
{
    // glibc ships libc.so as a linker script, so dlopen("libc.so") fails: name the real soname.
    internal const string LibraryName = "libc.so.6";

    // <fcntl.h>
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_CLOEXEC = 0x80000;

    // <termios.h>: struct termios is 60 bytes on glibc; opaque buffers get room to spare.
    internal const int TermiosSize = 128;
    internal const int TCSANOW = 0;
    internal const int TCSADRAIN = 1;

    // <asm-generic/ioctls.h>
    internal const ulong TIOCGWINSZ = 0x5413;

    // <spawn.h>; the opaque structs are 336 and 80 bytes on glibc x86_64.
    internal const int SpawnStructSize = 512;
    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;

    // <signal.h>: sigset_t is 128 bytes on glibc.
    internal const int SigsetSize = 128;

    // <sys/wait.h>
    internal const int WNOHANG = 1;

    // <sys/socket.h>, <sys/un.h>: sockaddr_un is a 2-byte family and a 108-byte path.
    internal const int AF_UNIX = 1;
    internal const int SOCK_STREAM = 1;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVTIMEO = 20;
    internal const int SO_SNDTIMEO = 21;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int SunPathLength = 108;

    // <asm-generic/errno-base.h>
    internal const int EPERM = 1;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int EAGAIN = 11;

    // <asm-generic/errno.h>
    internal const int ECONNRESET = 104;
}
