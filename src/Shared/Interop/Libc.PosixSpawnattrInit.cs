using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_init")]
    internal static unsafe partial int PosixSpawnattrInit(void* attributes);
}
