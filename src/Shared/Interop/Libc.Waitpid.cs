using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "waitpid", SetLastError = true)]
    internal static unsafe partial int Waitpid(int pid, int* status, int options);
}
