using System.Runtime.InteropServices;

namespace Coven.Interop;

internal static partial class Libc
{
    /// <summary>realpath(3) with a NULL buffer: the result is malloc'd and must be freed.</summary>
    [LibraryImport(LibraryName, EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint RealPath(string path, nint resolved);
}
