using System.Runtime.InteropServices;

namespace Coven.Lane.Interop;

internal static partial class LaneLibc
{
    [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
