using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "setsid", SetLastError = true)]
    internal static partial int Setsid();
}
