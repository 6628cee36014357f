using Coven.Interop;

namespace Coven.Core;

/// <summary>
/// RLIMIT_NOFILE: covend and lanes raise their soft limit to the hard limit at start (a daemon serving many
/// clients must not die of EMFILE at the distribution's default of 1024), and hand the original soft limit to the
/// harness, which keeps the limit it would have had without Coven.
/// </summary>
public static class FileDescriptorLimit
{
    /// <summary>Raises the soft limit to the hard one. Returns (soft limit before, soft limit now); (0, 0) if unreadable.</summary>
    public static (ulong Before, ulong Now) RaiseSoftToHard()
    {
        if (Libc.Getrlimit(Libc.RLIMIT_NOFILE, out var limit) != 0)
        {
            return (0, 0);
        }

        var before = limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (Libc.Setrlimit(Libc.RLIMIT_NOFILE, raised) == 0)
            {
                return (before, raised.Current);
            }
        }

        return (before, limit.Current);
    }

    /// <summary>Sets only the soft limit (lowering is always allowed); false when refused.</summary>
    public static bool TrySetSoft(ulong soft)
    {
        if (Libc.Getrlimit(Libc.RLIMIT_NOFILE, out var limit) != 0)
        {
            return false;
        }

        return Libc.Setrlimit(Libc.RLIMIT_NOFILE, limit with { Current = Math.Min(soft, limit.Maximum) }) == 0;
    }
}
