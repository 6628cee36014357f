using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_destroy")]
    internal static unsafe partial int PosixSpawnattrDestroy(void* attributes);
}
