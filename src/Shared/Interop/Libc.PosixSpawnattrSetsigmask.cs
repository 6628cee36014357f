using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static unsafe partial int PosixSpawnattrSetsigmask(void* attributes, void* signals);
}
