using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int Setsockopt(int fd, int level, int name, void* value, uint length);
}
