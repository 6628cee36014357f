using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "openat", SetLastError = true)]
    internal static unsafe partial int Openat(int dirfd, byte* path, int flags, int mode);
}
