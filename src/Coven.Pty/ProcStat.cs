using System.Globalization;

namespace Coven.Pty;

/// <summary>Reads /proc/&lt;pid&gt;/stat (proc(5)).</summary>
internal static class ProcStat
{
    /// <summary>Field 22 (starttime), or 0 when the process or the field cannot be read.</summary>
    public static ulong ReadStartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }

        // comm (field 2) may contain spaces and ')': count fields after the last ')', which ends field 2.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return 0;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int StartTimeIndex = 22 - 3;
        return fields.Length > StartTimeIndex && ulong.TryParse(fields[StartTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : 0;
    }
}
