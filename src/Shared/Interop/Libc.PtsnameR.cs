using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>Returns 0 or an error number.</summary>
    [LibraryImport(LibraryName, EntryPoint = "ptsname_r")]
    internal static unsafe partial int PtsnameR(int fd, byte* buffer, nuint length);
}
