using System.Runtime.InteropServices;

namespace Coven.Lane.Interop;

internal static partial class LaneLibc
{
    [LibraryImport(LibraryName, EntryPoint = "setsid", SetLastError = true)]
    internal static partial int Setsid();
}
