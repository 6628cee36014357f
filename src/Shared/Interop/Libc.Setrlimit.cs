using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "setrlimit", SetLastError = true)]
    internal static partial int Setrlimit(int resource, in Rlimit limit);
}
