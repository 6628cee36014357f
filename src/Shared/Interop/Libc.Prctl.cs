using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
