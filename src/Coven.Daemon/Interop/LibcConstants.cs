namespace Coven.Daemon.Interop;

internal static class LibcConstants
{
    // <sys/file.h>
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    // <asm-generic/socket.h>
    public const int SOL_SOCKET = 1;
    public const int SO_PEERCRED = 17;

    // <asm-generic/errno-base.h>
    public const int ESRCH = 3;
    public const int EPERM = 1;
}
