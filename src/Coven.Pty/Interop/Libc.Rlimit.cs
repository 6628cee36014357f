using System.Runtime.InteropServices;

namespace Coven.Pty.Interop;

internal static partial class Libc
{
    /// <summary>RLIMIT_NOFILE (the same on x86_64 and arm64).</summary>
    internal const int RLIMIT_NOFILE = 7;

    [LibraryImport(LibraryName, EntryPoint = "getrlimit", SetLastError = true)]
    internal static partial int Getrlimit(int resource, out Rlimit limit);

    [LibraryImport(LibraryName, EntryPoint = "setrlimit", SetLastError = true)]
    internal static partial int Setrlimit(int resource, in Rlimit limit);

    [StructLayout(LayoutKind.Sequential)]
    internal struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
