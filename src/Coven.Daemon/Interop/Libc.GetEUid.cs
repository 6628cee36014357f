using System.Runtime.InteropServices;

namespace Coven.Daemon.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEUid();
}
