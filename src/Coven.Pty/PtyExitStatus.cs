using Coven.Core;

namespace Coven.Pty;

/// <summary>
/// How a process ended. A process that exited normally has a <see cref="Code"/> and no <see cref="Signal"/>;
/// a process killed by a signal has a <see cref="Signal"/> and no <see cref="Code"/>.
/// </summary>
public sealed record PtyExitStatus(int? Code, int? Signal)
{
    /// <summary>True when the process exited with code 0.</summary>
    public bool Succeeded => Code == 0 && Signal is null;

    /// <summary>The terminating signal as a name such as "SIGTERM", or null when the process exited normally.</summary>
    public string? SignalName => Signal is int s ? Signals.Name(s) : null;

    internal static PtyExitStatus FromWaitStatus(int status)
    {
        var low = status & 0x7f;
        if (low == 0)
        {
            return new PtyExitStatus((status >> 8) & 0xff, null);
        }

        // 0x7f marks a stopped child, which we never ask waitpid about (no WUNTRACED); treat anything else as signalled.
        return new PtyExitStatus(null, low);
    }
}
