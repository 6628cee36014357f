using System.Runtime.InteropServices;

namespace Coven.Lane.Interop;

internal static partial class LaneLibc
{
    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
