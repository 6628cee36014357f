namespace Coven.Core;

/// <summary>
/// A process named by pid <em>and</em> start time (clock ticks since boot, /proc/&lt;pid&gt;/stat field 22),
/// so a recycled pid is never mistaken for the process we started.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    public static bool TryRead(int pid, out ProcessIdentity identity)
    {
        identity = ProcStat.TryRead(pid, out var stat) ? new ProcessIdentity(pid, stat.StartTime) : default;
        return identity.Pid != 0;
    }

    /// <summary>True while a process with this pid exists and has the same start time (a zombie counts as gone).</summary>
    public bool IsAlive() => ProcStat.TryRead(Pid, out var stat) && stat.StartTime == StartTime && !stat.IsDead;

    /// <summary>The process group id of this process, if it is still this process.</summary>
    public bool TryGetProcessGroup(out int pgid)
    {
        pgid = ProcStat.TryRead(Pid, out var stat) && stat.StartTime == StartTime && !stat.IsDead ? stat.ProcessGroup : 0;
        return pgid != 0;
    }

    public static bool TryReadStartTime(int pid, out ulong startTime)
    {
        startTime = ProcStat.TryRead(pid, out var stat) ? stat.StartTime : 0;
        return startTime != 0;
    }
}
