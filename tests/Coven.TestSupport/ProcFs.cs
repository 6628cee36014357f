using Coven.Core;

namespace Coven.TestSupport;

/// <summary>
/// What the tests ask of /proc, through the product's one /proc reader (src/Shared/Processes/ProcStat.cs, linked
/// into this assembly): whether a process still runs, its parent, session and group, and the members of a group.
/// </summary>
public static class ProcFs
{
    /// <summary>True when the pid no longer runs (absent, or a zombie waiting for a reaper we do not control).</summary>
    public static bool IsGone(int pid) => !ProcStat.TryRead(pid, out var stat) || stat.IsDead;

    /// <summary>The parent pid (field 4), or null when the process is gone.</summary>
    public static int? ParentPid(int pid) => ProcStat.TryRead(pid, out var stat) ? stat.ParentPid : null;

    /// <summary>The session id (field 6), or null when the process is gone.</summary>
    public static int? Session(int pid) => ProcStat.TryRead(pid, out var stat) ? stat.Session : null;

    /// <summary>The pids listed in /proc now.</summary>
    public static List<int> Pids() => ProcStat.Pids();

    /// <summary>The live (not zombie) processes whose process group is <paramref name="pgid"/> (field 5).</summary>
    public static List<int> GroupMembers(int pgid) =>
        [.. ProcStat.Pids().Where(pid => ProcStat.TryRead(pid, out var stat) && stat.ProcessGroup == pgid && !stat.IsDead)];
}
