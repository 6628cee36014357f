using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "tcsetattr", SetLastError = true)]
    internal static unsafe partial int Tcsetattr(int fd, int optionalActions, byte* termios);
}
