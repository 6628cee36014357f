using System.Globalization;

namespace Coven.Core;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat that Coven needs, read in one go. The one parser of that file for Core, the
/// daemon and the lane (Coven.Pty, which references nothing, keeps its own start-time reader).
/// </summary>
public readonly record struct ProcStat(char State, int ParentPid, int ProcessGroup, ulong StartTime)
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

        // "pid (comm) state ppid pgrp ... starttime(22) ...": comm may hold spaces and ')', so count from the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0].Length == 0
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)
            || !ulong.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        stat = new ProcStat(fields[0][0], ppid, pgrp, start);
        return true;
    }
}
