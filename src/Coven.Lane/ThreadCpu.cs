using System.Globalization;
using System.Text;

namespace Coven.Lane;

/// <summary>CPU time per thread of this process (from /proc/self/task), logged at exit to see where a lane spends its time.</summary>
internal static class ThreadCpu
{
    /// <summary>CPU milliseconds used so far by the calling thread.</summary>
    public static long CurrentThreadMs()
    {
        try
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    public static string Describe()
    {
        var text = new StringBuilder();
        try
        {
            var ticksPerMs = 100.0 / 1000; // USER_HZ is 100 on Linux
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (ticks > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{stat[(open + 1)..close]}={ticks / ticksPerMs:0}ms ");
                }
            }
        }
        catch (IOException)
        {
        }

        return text.ToString().TrimEnd();
    }
}
