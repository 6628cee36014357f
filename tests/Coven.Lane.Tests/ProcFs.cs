namespace Coven.Lane.Tests;

internal static class ProcFs
{
    /// <summary>True when the pid no longer runs (absent, or a zombie waiting for a reaper we do not control).</summary>
    public static bool IsGone(int pid)
    {
        try
        {
            var state = Field(pid, 3);
            return state is "Z" or "X";
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>A field of /proc/&lt;pid&gt;/stat, 1-based as in proc(5).</summary>
    public static string Field(int pid, int field)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[field - 3];
    }
}
