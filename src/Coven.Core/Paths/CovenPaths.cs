namespace Coven.Core;

/// <summary>The layout of COVEN_HOME (default ~/.coven). Runtime state lives here, never in a project tree.</summary>
public sealed class CovenPaths
{
    public CovenPaths(string home) => Home = Path.GetFullPath(home);

    public string Home { get; }
    public string Database => Path.Combine(Home, "coven.db");
    public string Socket => Path.Combine(Home, "coven.sock");
    public string DaemonInfo => Path.Combine(Home, "daemon.json");
    public string LanesDir => Path.Combine(Home, "lanes");
    public string LogsDir => Path.Combine(Home, "logs");
    public string HarnessConfig => Path.Combine(Home, "harnesses.json");

    /// <summary>covend's on-disk copy of events the store refused (docs/daemon.md, deferred input).</summary>
    public string SpillDir => Path.Combine(Home, "spill");

    /// <summary>Where notices go (docs/attention.md).</summary>
    public string NotifyConfig => Path.Combine(Home, "notify.json");

    public string LaneSocket(SessionId id) => Path.Combine(LanesDir, id + ".sock");

    public string LaneLog(SessionId id) => Path.Combine(LogsDir, "lane-" + id + ".log");

    /// <summary>COVEN_HOME if set, else ~/.coven.</summary>
    public static CovenPaths FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable("COVEN_HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".coven");
        }

        return new CovenPaths(home);
    }

    /// <summary>Creates a directory (and parents) with mode 0700, tightening it if it already exists.</summary>
    public static void EnsurePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
