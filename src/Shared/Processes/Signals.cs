using System.Globalization;

namespace Coven.Core;

/// <summary>
/// Linux signal numbers (&lt;asm-generic/signal.h&gt;, x86_64 and arm64) and their names: the one signal table of the
/// tree (src/Shared/README.md). Coven.Core makes it public (Processes/Signals.cs); Coven.Pty, which references
/// nothing, compiles its own internal copy of this file.
/// </summary>
static partial class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGALRM = 14;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int SIGTSTP = 20;
    public const int SIGWINCH = 28;

    // Indexed by number; the standard signals 1..31 (real-time signals have no fixed names).
    private static readonly string?[] s_names =
    [
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS",
    ];

    /// <summary>The conventional name ("SIGTERM"), or "SIG&lt;n&gt;" for numbers without one (real-time signals).</summary>
    public static string Name(int signal) =>
        signal > 0 && signal < s_names.Length && s_names[signal] is { } name ? name : "SIG" + signal.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses "TERM", "SIGTERM", "term" (case-insensitive, surrounding blanks ignored) or a number 1..64.</summary>
    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            signal = n;
            return n is > 0 and < 65;
        }

        var upper = text.Trim().ToUpperInvariant();
        if (!upper.StartsWith("SIG", StringComparison.Ordinal))
        {
            upper = "SIG" + upper;
        }

        for (var i = 1; i < s_names.Length; i++)
        {
            if (s_names[i] == upper)
            {
                signal = i;
                return true;
            }
        }

        return false;
    }
}
