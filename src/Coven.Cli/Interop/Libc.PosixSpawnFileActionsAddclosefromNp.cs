using System.Runtime.InteropServices;

namespace Coven.Cli.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    internal static unsafe partial int PosixSpawnFileActionsAddclosefromNp(void* fileActions, int from);
}
