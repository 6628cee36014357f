using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "sigemptyset")]
    internal static unsafe partial int Sigemptyset(void* set);
}
