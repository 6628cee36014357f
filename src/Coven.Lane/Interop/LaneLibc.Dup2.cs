using System.Runtime.InteropServices;

namespace Coven.Lane.Interop;

internal static partial class LaneLibc
{
    [LibraryImport(LibraryName, EntryPoint = "dup2", SetLastError = true)]
    internal static partial int Dup2(int oldFd, int newFd);
}
