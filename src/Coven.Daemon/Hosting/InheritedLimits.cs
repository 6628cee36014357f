using Coven.Core;
using Coven.Interop;

namespace Coven.Daemon.Hosting;

/// <summary>
/// covend runs under umask 077 (every file it or SQLite creates in COVEN_HOME is 0600, every directory 0700) and
/// with its soft RLIMIT_NOFILE raised to the hard limit. The values it was started with are the user's choice for
/// their own programs: lanes get them (<c>--umask</c>, <c>--nofile</c>) and hand them to the harness.
/// </summary>
internal static class InheritedLimits
{
    /// <summary>umask 077: files 0600, directories 0700.</summary>
    public const uint PrivateUmask = 0x3F;

    /// <summary>The umask covend inherited (022 when never restricted).</summary>
    public static uint Umask { get; private set; } = 0x12;

    /// <summary>The soft descriptor limit covend inherited (0 when unknown).</summary>
    public static ulong FileLimit { get; private set; }

    /// <summary>The soft descriptor limit covend runs with (raised to the hard limit).</summary>
    public static ulong RaisedFileLimit { get; private set; }

    /// <summary>Called first thing at start.</summary>
    public static void Apply()
    {
        Umask = Libc.Umask(PrivateUmask);
        (FileLimit, RaisedFileLimit) = FileDescriptorLimit.RaiseSoftToHard();
    }

    /// <summary>The arguments that hand the inherited values to coven-lane.</summary>
    public static IEnumerable<string> LaneArguments()
    {
        yield return "--umask";
        yield return Convert.ToString(Umask, 8);
        if (FileLimit > 0)
        {
            yield return "--nofile";
            yield return FileLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
