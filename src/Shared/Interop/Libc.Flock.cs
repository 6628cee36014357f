using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);
}
