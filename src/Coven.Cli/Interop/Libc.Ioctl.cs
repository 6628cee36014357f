using System.Runtime.InteropServices;

namespace Coven.Cli.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static unsafe partial int Ioctl(int fd, ulong request, WinSize* size);
}
