using System.Runtime.InteropServices;

namespace Coven.Core.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "free")]
    internal static partial void Free(nint pointer);
}
