using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
