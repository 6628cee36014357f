using System.Runtime.InteropServices;

namespace Coven.Daemon.Interop;

internal static partial class Libc
{
    /// <summary>kill(2); a negative pid addresses a process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
