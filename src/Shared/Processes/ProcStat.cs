using System.Globalization;

namespace Coven.Core;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat (proc(5)) that Coven needs, read in one go, and the list of pids in /proc: the one
/// /proc reader of the tree (src/Shared/README.md). Coven.Core makes it public (Processes/ProcStat.cs); Coven.Pty
/// and the test support compile their own internal copy of this file.
/// </summary>
readonly partial record struct ProcStat(char State, int ParentPid, int ProcessGroup, int Session, ulong StartTime)
{
    /// <summary>Zombie or dead: the pid still has an entry but the process no longer runs.</summary>
    public bool IsDead => State is 'Z' or 'X';

    public static bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        if (pid <= 0)
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid pgrp session ... starttime(22) ...": comm may hold spaces and ')', so count from the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0].Length == 0
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !ulong.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        stat = new ProcStat(fields[0][0], ppid, pgrp, session, start);
        return true;
    }

    /// <summary>The pids listed in /proc at this moment (any of them may be gone by the time it is read).</summary>
    public static List<int> Pids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }
}
