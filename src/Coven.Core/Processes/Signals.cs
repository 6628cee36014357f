namespace Coven.Core;

/// <summary>Linux signal numbers (x86_64/aarch64, from signal.h) and their names.</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int SIGWINCH = 28;

    private static readonly (int Number, string Name)[] s_table =
    [
        (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGQUIT, "SIGQUIT"), (4, "SIGILL"), (5, "SIGTRAP"), (6, "SIGABRT"),
        (7, "SIGBUS"), (8, "SIGFPE"), (SIGKILL, "SIGKILL"), (SIGUSR1, "SIGUSR1"), (11, "SIGSEGV"), (SIGUSR2, "SIGUSR2"),
        (SIGPIPE, "SIGPIPE"), (14, "SIGALRM"), (SIGTERM, "SIGTERM"), (SIGCONT, "SIGCONT"), (SIGSTOP, "SIGSTOP"),
        (20, "SIGTSTP"), (SIGWINCH, "SIGWINCH"),
    ];

    public static string Name(int signal)
    {
        foreach (var (number, name) in s_table)
        {
            if (number == signal)
            {
                return name;
            }
        }

        return "SIG" + signal;
    }

    /// <summary>Parses "TERM", "SIGTERM", "term" or "15".</summary>
    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (int.TryParse(text, out var n))
        {
            signal = n;
            return n is > 0 and < 65;
        }

        var upper = text.Trim().ToUpperInvariant();
        if (!upper.StartsWith("SIG", StringComparison.Ordinal))
        {
            upper = "SIG" + upper;
        }

        foreach (var (number, name) in s_table)
        {
            if (name == upper)
            {
                signal = number;
                return true;
            }
        }

        return false;
    }
}
