using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "connect", SetLastError = true)]
    internal static unsafe partial int Connect(int fd, byte* address, uint length);
}
