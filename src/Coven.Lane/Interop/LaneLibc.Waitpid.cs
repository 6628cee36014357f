using System.Runtime.InteropServices;

namespace Coven.Lane.Interop;

internal static partial class LaneLibc
{
    [LibraryImport(LibraryName, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int Waitpid(int pid, out int status, int options);
}
