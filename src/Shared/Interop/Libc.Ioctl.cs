using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    // ioctl is variadic; passing one pointer argument is ABI-compatible with a fixed signature on x86_64 and arm64 Linux.
    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static unsafe partial int Ioctl(int fd, ulong request, WinSize* argument);
}
