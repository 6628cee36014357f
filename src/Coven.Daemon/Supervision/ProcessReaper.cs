using Coven.Core;
using Coven.Interop;

namespace Coven.Daemon.Supervision;

/// <summary>
/// Kills what is left of a session's process groups. A group is addressed only through a process identity
/// (pid and start time): when its leader still runs with the recorded start time, or when the leader's pid is
/// free and the group's remaining members all started after the leader did (the kernel never hands out a pid
/// that is still in use as a process group id, so such a group can only be the leader's).
/// </summary>
internal static class ProcessReaper
{
    /// <summary>SIGKILLs the group led by <paramref name="leader"/>; true when something was signalled.</summary>
    public static bool KillGroup(ProcessIdentity leader) => SignalGroup(leader, Signals.SIGKILL);

    /// <summary>Sends <paramref name="signal"/> to the group led by <paramref name="leader"/>; true when something was signalled.</summary>
    public static bool SignalGroup(ProcessIdentity leader, int signal)
    {
        if (leader.Pid <= 1)
        {
            return false;
        }

        if (leader.IsAlive())
        {
            if (leader.TryGetProcessGroup(out var pgid) && pgid == leader.Pid)
            {
                return Libc.Kill(-pgid, signal) == 0;
            }

            // Not a group leader (should not happen for lanes and harnesses): signal only the process itself.
            return Libc.Kill(leader.Pid, signal) == 0;
        }

        if (ProcessIdentity.TryReadStartTime(leader.Pid, out _))
        {
            // The pid now names another process: the old group cannot exist any more.
            return false;
        }

        var members = GroupMembersStartedAfter(leader.Pid, leader.StartTime);
        return members > 0 && Libc.Kill(-leader.Pid, signal) == 0;
    }

    /// <summary>True while any process of the group led by <paramref name="leader"/> exists (same rules as <see cref="KillGroup"/>).</summary>
    public static bool GroupAlive(ProcessIdentity leader)
    {
        if (leader.IsAlive())
        {
            return true;
        }

        return !ProcessIdentity.TryReadStartTime(leader.Pid, out _) && GroupMembersStartedAfter(leader.Pid, leader.StartTime) > 0;
    }

    private static int GroupMembersStartedAfter(int pgid, ulong startTime)
    {
        var count = 0;
        foreach (var pid in ProcStat.Pids())
        {
            if (ProcStat.TryRead(pid, out var stat) && stat.ProcessGroup == pgid && stat.StartTime >= startTime && !stat.IsDead)
            {
                count++;
            }
        }

        return count;
    }
}
