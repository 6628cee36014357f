using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>glibc 2.29+: the child fchdir()s to <paramref name="fd"/> (an O_PATH directory fd is fine).</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addfchdir_np")]
    internal static unsafe partial int PosixSpawnFileActionsAddfchdirNp(void* fileActions, int fd);
}
