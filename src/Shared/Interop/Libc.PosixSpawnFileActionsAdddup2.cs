using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static unsafe partial int PosixSpawnFileActionsAdddup2(void* fileActions, int fd, int newFd);
}
