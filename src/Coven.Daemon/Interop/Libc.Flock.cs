using System.Runtime.InteropServices;

namespace Coven.Daemon.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);
}
