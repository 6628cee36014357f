using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>Returns 0 or an error number; errno is not set.</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn")]
    internal static unsafe partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);
}
