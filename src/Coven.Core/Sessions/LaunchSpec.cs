namespace Coven.Core;

/// <summary>
/// What a lane needs to start a harness. Written by the daemon into the session row; read by the lane.
/// Only environment <em>overrides</em> are stored: the lane inherits the rest from the daemon, so provider
/// credentials in the user's environment are never written to disk.
/// </summary>
public sealed record LaunchSpec
{
    public required string Executable { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    public required string WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> UnsetEnvironment { get; init; } = [];
    public int Columns { get; init; } = 120;
    public int Rows { get; init; } = 40;

    /// <summary>How the lane tells working from idle and waiting when the harness gives no native signal (docs/attention.md).</summary>
    public ActivitySettings? Activity { get; init; }

    /// <summary>Variables a harness must not inherit from the daemon (they describe the daemon's terminal, not the lane's).</summary>
    public static IReadOnlyList<string> DefaultUnset { get; } = ["TMUX", "TMUX_PANE", "STY", "COLUMNS", "LINES", "TERM_PROGRAM", "TERM_PROGRAM_VERSION"];

    public static IReadOnlyDictionary<string, string> DefaultEnvironment { get; } = new Dictionary<string, string>
    {
        ["TERM"] = "xterm-256color",
        ["COLORTERM"] = "truecolor",
    };

    /// <summary>The harness environment: <paramref name="inherited"/> minus <see cref="UnsetEnvironment"/> plus <see cref="Environment"/>.</summary>
    public Dictionary<string, string> BuildEnvironment(IReadOnlyDictionary<string, string> inherited)
    {
        var env = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        foreach (var name in UnsetEnvironment)
        {
            env.Remove(name);
        }

        foreach (var (name, value) in Environment)
        {
            env[name] = value;
        }

        return env;
    }
}
