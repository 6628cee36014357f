using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addopen")]
    internal static unsafe partial int PosixSpawnFileActionsAddopen(void* fileActions, int fd, byte* path, int flags, uint mode);
}
