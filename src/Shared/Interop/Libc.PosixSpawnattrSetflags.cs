using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setflags")]
    internal static unsafe partial int PosixSpawnattrSetflags(void* attributes, short flags);
}
