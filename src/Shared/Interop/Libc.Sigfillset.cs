using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "sigfillset")]
    internal static unsafe partial int Sigfillset(void* set);
}
