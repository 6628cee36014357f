using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "grantpt", SetLastError = true)]
    internal static partial int Grantpt(int fd);
}
