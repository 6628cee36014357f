using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "unlockpt", SetLastError = true)]
    internal static partial int Unlockpt(int fd);
}
