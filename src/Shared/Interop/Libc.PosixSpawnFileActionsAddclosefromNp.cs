using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>glibc 2.34+.</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    internal static unsafe partial int PosixSpawnFileActionsAddclosefromNp(void* fileActions, int from);
}
