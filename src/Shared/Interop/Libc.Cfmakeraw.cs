using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "cfmakeraw")]
    internal static unsafe partial void Cfmakeraw(byte* termios);
}
