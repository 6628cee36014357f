using Coven.Interop;

namespace Coven.Daemon.Hosting;

/// <summary>
/// Gives back the memory the start used and no longer needs, once, when the start is over (the socket listens, the
/// scheduler runs, a second has passed): a compacting, decommitting full collection of the managed heap, then <c>malloc_trim</c> for the
/// native heap (SQLite, the runtime). covend then mostly waits; without this its idle RSS kept the start's garbage
/// (about 5 MiB of 45; docs/benchmarks-daemon.md).
/// </summary>
internal static class StartupMemory
{
    /// <summary>How long after the scheduler starts: past the requests of the command that started the daemon.</summary>
    public static readonly TimeSpan After = TimeSpan.FromSeconds(1);

    public static void Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _ = Libc.MallocTrim(0);
    }
}
