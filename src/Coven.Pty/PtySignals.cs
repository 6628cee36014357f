namespace Coven.Pty;

/// <summary>Linux signal numbers (&lt;asm-generic/signal.h&gt;, x86_64 and arm64) and their names.</summary>
public static class PtySignals
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

    private static readonly string?[] s_names = BuildNames();

    /// <summary>The conventional name ("SIGTERM"), or "SIG&lt;n&gt;" for numbers without one here.</summary>
    public static string GetName(int signal) =>
        signal > 0 && signal < s_names.Length && s_names[signal] is { } name ? name : "SIG" + signal.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses "TERM", "SIGTERM" (case-insensitive) or a number among the known signals.</summary>
    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var upper = text.ToUpperInvariant();
        var name = upper.StartsWith("SIG", StringComparison.Ordinal) ? upper : "SIG" + upper;
        for (var i = 1; i < s_names.Length; i++)
        {
            if (s_names[i] == name)
            {
                signal = i;
                return true;
            }
        }

        return false;
    }

    private static string?[] BuildNames()
    {
        var names = new string?[32];
        names[SIGHUP] = "SIGHUP";
        names[SIGINT] = "SIGINT";
        names[SIGQUIT] = "SIGQUIT";
        names[4] = "SIGILL";
        names[5] = "SIGTRAP";
        names[6] = "SIGABRT";
        names[7] = "SIGBUS";
        names[8] = "SIGFPE";
        names[SIGKILL] = "SIGKILL";
        names[SIGUSR1] = "SIGUSR1";
        names[11] = "SIGSEGV";
        names[SIGUSR2] = "SIGUSR2";
        names[SIGPIPE] = "SIGPIPE";
        names[SIGALRM] = "SIGALRM";
        names[SIGTERM] = "SIGTERM";
        names[16] = "SIGSTKFLT";
        names[SIGCHLD] = "SIGCHLD";
        names[SIGCONT] = "SIGCONT";
        names[SIGSTOP] = "SIGSTOP";
        names[SIGTSTP] = "SIGTSTP";
        names[21] = "SIGTTIN";
        names[22] = "SIGTTOU";
        names[23] = "SIGURG";
        names[24] = "SIGXCPU";
        names[25] = "SIGXFSZ";
        names[26] = "SIGVTALRM";
        names[27] = "SIGPROF";
        names[SIGWINCH] = "SIGWINCH";
        names[29] = "SIGIO";
        names[30] = "SIGPWR";
        names[31] = "SIGSYS";
        return names;
    }
}
