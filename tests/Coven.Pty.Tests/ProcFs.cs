namespace Coven.Pty.Tests;

internal static class ProcFs
{
    /// <summary>True when the pid no longer runs (absent, or a zombie waiting for a reaper we do not control).</summary>
    public static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state == "Z" || state == "X";
        }
        catch (IOException)
        {
            return true;
        }
    }
}
