using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>Fills an opaque termios buffer (<see cref="TermiosSize"/> bytes is more than glibc needs).</summary>
    [LibraryImport(LibraryName, EntryPoint = "tcgetattr", SetLastError = true)]
    internal static unsafe partial int Tcgetattr(int fd, byte* termios);
}
