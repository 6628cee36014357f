using System.Globalization;

namespace Coven.Core;

/// <summary>
/// A process named by pid <em>and</em> start time (clock ticks since boot, /proc/&lt;pid&gt;/stat field 22),
/// so a recycled pid is never mistaken for the process we started.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    public static bool TryRead(int pid, out ProcessIdentity identity)
    {
        identity = default;
        if (pid <= 0 || !TryReadStartTime(pid, out var start))
        {
            return false;
        }

        identity = new ProcessIdentity(pid, start);
        return true;
    }

    /// <summary>True while a process with this pid exists and has the same start time (a zombie counts as gone).</summary>
    public bool IsAlive() => TryReadStat(Pid, out var start, out var state) && start == StartTime && state != 'Z' && state != 'X';

    /// <summary>The process group id of this process, if it is still this process.</summary>
    public bool TryGetProcessGroup(out int pgid)
    {
        pgid = 0;
        if (!IsAlive())
        {
            return false;
        }

        return TryReadField(Pid, 5, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out pgid);
    }

    public static bool TryReadStartTime(int pid, out ulong startTime) => TryReadStat(pid, out startTime, out _);

    /// <summary>Parent pid and process group of any pid (no identity check: for walking the process tree).</summary>
    public static bool TryReadParentAndGroup(int pid, out int parentPid, out int processGroup)
    {
        parentPid = 0;
        processGroup = 0;
        return TryReadField(pid, 4, out var ppid) && int.TryParse(ppid, NumberStyles.Integer, CultureInfo.InvariantCulture, out parentPid)
            && TryReadField(pid, 5, out var pgid) && int.TryParse(pgid, NumberStyles.Integer, CultureInfo.InvariantCulture, out processGroup);
    }

    private static bool TryReadStat(int pid, out ulong startTime, out char state)
    {
        startTime = 0;
        state = '?';
        if (!TryReadField(pid, 3, out var stateText) || !TryReadField(pid, 22, out var startText))
        {
            return false;
        }

        state = stateText.Length > 0 ? stateText[0] : '?';
        return ulong.TryParse(startText, NumberStyles.Integer, CultureInfo.InvariantCulture, out startTime);
    }

    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ...". comm may contain spaces and parentheses,
    // so fields are counted from the last ')'. Field numbers are 1-based as in proc(5).
    private static bool TryReadField(int pid, int field, out string value)
    {
        value = string.Empty;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        var rest = stat.AsSpan(close + 1).Trim();
        var index = 3;
        foreach (var range in rest.Split(' '))
        {
            if (index == field)
            {
                value = rest[range].ToString();
                return true;
            }

            index++;
        }

        return false;
    }
}
