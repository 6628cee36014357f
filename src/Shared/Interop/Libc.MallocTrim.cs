using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "malloc_trim")]
    internal static partial int MallocTrim(nuint pad);
}
