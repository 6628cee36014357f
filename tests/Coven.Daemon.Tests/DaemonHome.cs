using System.Diagnostics;
using Coven.Core;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// A throw-away COVEN_HOME on a short /tmp path with a fake-harness bin folder, and the daemons started on it.
/// Disposing kills those daemons and every lane and harness process group the store recorded (by pid and start time).
/// </summary>
public sealed class DaemonHome : IAsyncDisposable
{
    private readonly List<DaemonProcess> _daemons = [];

    public DaemonHome()
    {
        Dir = new TempDir();
        Harness = new FakeHarness(Dir.Combine("bin"));
        Project = Dir.Combine("proj");
        Directory.CreateDirectory(Project);
        Harness.WriteEcho("codex");
    }

    public TempDir Dir { get; }
    public string Home => Dir.Path;
    public string Socket => Path.Combine(Home, "coven.sock");
    public FakeHarness Harness { get; }

    /// <summary>A project root for launches.</summary>
    public string Project { get; }

    /// <summary>The lane the daemon starts: the built coven-lane, or COVEN_TEST_LANE (e.g. a NativeAOT publish).</summary>
    public static string LanePath { get; } = ResolveLane();

    /// <summary>The daemon under test: the built covend, or COVEN_TEST_DAEMON (e.g. a NativeAOT publish).</summary>
    public static string DaemonPath { get; } = ResolveDaemon();

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal)
    {
        ["COVEN_SWEEP_INTERVAL"] = "1s",
    };

    /// <param name="wrapper">A command that execs covend (e.g. <c>prlimit --nofile=256:1024 --</c>); the pid stays covend's.</param>
    public async Task<DaemonProcess> StartAsync(bool waitUntilReady = true, bool captureOutput = false, IReadOnlyList<string>? wrapper = null)
    {
        var covend = DaemonPath;
        var info = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : covend)
        {
            UseShellExecute = false,
            RedirectStandardError = captureOutput,
            RedirectStandardOutput = captureOutput,
        };
        if (wrapper is { Count: > 0 })
        {
            foreach (var w in wrapper.Skip(1))
            {
                info.ArgumentList.Add(w);
            }

            info.ArgumentList.Add(covend);
        }

        info.ArgumentList.Add("--home");
        info.ArgumentList.Add(Home);
        info.Environment["COVEN_HOME"] = Home;
        info.Environment["PATH"] = Harness.PathVariable;
        info.Environment["COVEN_LANE_PATH"] = LanePath;
        foreach (var (k, v) in Environment)
        {
            info.Environment[k] = v;
        }

        var daemon = new DaemonProcess(Process.Start(info)!, Socket);
        _daemons.Add(daemon);
        if (waitUntilReady)
        {
            await daemon.WaitUntilReadyAsync();
        }

        return daemon;
    }

    public CovenStore OpenStore() => new(Path.Combine(Home, "coven.db"));

    /// <summary>Registers harnesses in COVEN_HOME/harnesses.json.</summary>
    public void Register(params (string Id, string Executable)[] harnesses)
    {
        var entries = string.Join(",", harnesses.Select(h => $"{{\"id\":\"{h.Id}\",\"executable\":\"{h.Executable}\"}}"));
        File.WriteAllText(Path.Combine(Home, "harnesses.json"), $"{{\"harnesses\":[{entries}]}}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _daemons)
        {
            await d.DisposeAsync();
        }

        try
        {
            if (File.Exists(Path.Combine(Home, "coven.db")))
            {
                using var store = OpenStore();
                foreach (var s in store.Sessions.List(new SessionQuery { IncludeArchived = true, Limit = 1000 }).Sessions)
                {
                    foreach (var p in new[] { s.HarnessProcess, s.Lane })
                    {
                        if (p is { } identity && identity.TryGetProcessGroup(out var pgid))
                        {
                            ProcessTools.Kill(-pgid, Signals.SIGKILL);
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or Microsoft.Data.Sqlite.SqliteException or FormatException or CovenException)
        {
        }

        Dir.Dispose();
    }

    private static string ResolveLane() =>
        System.Environment.GetEnvironmentVariable("COVEN_TEST_LANE") is { Length: > 0 } chosen
            ? chosen
            : RepoPaths.Executable("coven-lane");

    private static string ResolveDaemon() =>
        System.Environment.GetEnvironmentVariable("COVEN_TEST_DAEMON") is { Length: > 0 } chosen
            ? chosen
            : RepoPaths.Executable("covend");
}
