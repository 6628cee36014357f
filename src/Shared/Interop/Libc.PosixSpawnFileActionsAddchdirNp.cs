using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>glibc 2.29+.</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    internal static unsafe partial int PosixSpawnFileActionsAddchdirNp(void* fileActions, byte* path);
}
