using System.Diagnostics;

namespace Coven.TestSupport;

/// <summary>Bounded polling for conditions that have no signal to await (a process gone, a file written by another process).</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var sw = Stopwatch.StartNew();
        var step = interval ?? TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if (condition())
            {
                return true;
            }

            if (sw.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(step);
        }
    }

    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var sw = Stopwatch.StartNew();
        var step = interval ?? TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (sw.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(step);
        }
    }
}
