namespace Coven.Interop;

/// <summary>
/// Constants of the Linux/glibc ABI (x86_64 and arm64 share these values), grouped by the header that defines them.
/// One file for the whole tree (src/Shared/Interop/README.md): add a constant here, next to its header, never in a project.
/// </summary>
internal static partial class Libc
{
    // glibc ships libc.so as a linker script, so dlopen("libc.so") fails: name the real soname. The NativeAOT
    // executables bind it at link time (DirectPInvoke in their csproj).
    internal const string LibraryName = "libc.so.6";

    // <fcntl.h> / <asm-generic/fcntl.h>
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_NOCTTY = 0x100;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;

    // <unistd.h>
    internal const int X_OK = 1;

    // <sys/file.h>
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;

    // <linux/prctl.h>
    internal const int PR_SET_CHILD_SUBREAPER = 36;

    // <termios.h>: struct termios is 60 bytes on glibc; opaque buffers get room to spare.
    internal const int TermiosSize = 128;
    internal const int TCSANOW = 0;
    internal const int TCSADRAIN = 1;

    // <asm-generic/ioctls.h>
    internal const ulong TIOCGWINSZ = 0x5413;
    internal const ulong TIOCSWINSZ = 0x5414;

    // <spawn.h>
    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;

    // glibc opaque type sizes on 64-bit Linux are 80 (posix_spawn_file_actions_t), 336 (posix_spawnattr_t) and
    // 128 (sigset_t). We allocate generously so a future layout growth cannot overrun our buffers.
    internal const int OpaqueBufferSize = 1024;

    // <poll.h>
    internal const short POLLIN = 0x001;
    internal const short POLLOUT = 0x004;
    internal const short POLLERR = 0x008;
    internal const short POLLHUP = 0x010;
    internal const short POLLNVAL = 0x020;

    // <sys/wait.h>
    internal const int WNOHANG = 1;

    // <sys/socket.h>, <asm-generic/socket.h>, <sys/un.h>: sockaddr_un is a 2-byte family and a 108-byte path.
    internal const int AF_UNIX = 1;
    internal const int SOCK_STREAM = 1;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SO_PEERCRED = 17;
    internal const int SO_RCVTIMEO = 20;
    internal const int SO_SNDTIMEO = 21;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int SunPathLength = 108;

    // <asm-generic/errno-base.h>
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int EBADF = 9;
    internal const int ECHILD = 10;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int ENOTDIR = 20;

    // <asm-generic/errno.h>
    internal const int ECONNRESET = 104;
}
