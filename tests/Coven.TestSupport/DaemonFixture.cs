using System.Text.Json;
using Xunit;

namespace Coven.TestSupport;

/// <summary>
/// A real covend on a short temp COVEN_HOME, started through <c>coven daemon start</c>, with fake harnesses
/// first on PATH and registered in harnesses.json. Stops the daemon and kills left-over sessions on dispose.
/// </summary>
public sealed class DaemonFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<(string Id, string Path)> _registered = [];

    public DaemonFixture()
    {
        HomeDir = _dir.Combine("h");
        Directory.CreateDirectory(HomeDir);
        File.SetUnixFileMode(HomeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Harnesses = new FakeHarness(_dir.Combine("bin"));
        ProjectDir = _dir.Combine("proj");
        Directory.CreateDirectory(ProjectDir);
        Cli = new CovenCli(HomeDir, Harnesses.BinDir);

        // Registered harnesses (absolute paths) used by the tests:
        Register(
            ("echo", Harnesses.WriteEcho("echo-harness")),
            ("quick", Harnesses.Write("quick-harness", "printf '\\033[31mred\\033[0m and plain\\n'\nprintf 'args:'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; printf '\\n'\nexit ${QUICK_EXIT:-0}")),
            ("fail3", Harnesses.Write("fail3-harness", "printf 'failing now\\n'\nexit 3")),
            ("writer", Harnesses.Write("writer-harness", "printf '%s\\n' \"$1\" > note.txt\nprintf 'wrote note.txt in %s\\n' \"$PWD\"")));

        // Built-in ids resolved on the daemon's PATH.
        Harnesses.Write("codex", "case \"$1\" in --version) echo 'codex-cli 0.0.0-fake'; exit 0;; esac\nprintf 'fake codex\\n'");
        Harnesses.Write("claude", "case \"$1\" in --version) echo '2.0.0-fake (Claude Code)'; exit 0;; esac\nprintf 'fake claude\\n'");
    }

    public string HomeDir { get; }
    public string ProjectDir { get; }
    public FakeHarness Harnesses { get; }
    public CovenCli Cli { get; }

    public Task InitializeAsync() => CovenDaemon.StartAsync(Cli);

    /// <summary>Launches a detached session and returns its id.</summary>
    public async Task<string> RunDetachedAsync(string harness, params string[] extra)
    {
        var r = await Cli.RunAsync(["run", harness, .. extra, "--detach", "--root", ProjectDir], stdin: null);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException("coven run failed: " + r);
        }

        return r.Stdout.Trim();
    }

    public async Task<JsonElement> ShowAsync(string id)
    {
        var r = await Cli.RunAsync("show", id, "--json");
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException("coven show failed: " + r);
        }

        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>Waits (bounded) until the session's status is one of <paramref name="statuses"/>; returns the record.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string id, TimeSpan timeout, params string[] statuses)
    {
        JsonElement last = default;
        var ok = await Eventually.TrueAsync(
            async () =>
            {
                last = await ShowAsync(id);
                return statuses.Contains(last.GetProperty("status").GetString());
            },
            timeout,
            TimeSpan.FromMilliseconds(50));
        if (!ok)
        {
            throw new TimeoutException($"session {id} did not reach {string.Join('/', statuses)}; last: {last}");
        }

        return last;
    }

    public Task DisposeAsync() => CovenDaemon.StopAsync(Cli);

    public void Dispose() => _dir.Dispose();

    /// <summary>Registers one more harness (a script in the fake bin folder) in harnesses.json, read at each launch.</summary>
    public void RegisterHarness(string id, string body) => Register((id, Harnesses.Write(id + "-harness", body)));

    private void Register(params (string Id, string Path)[] harnesses)
    {
        _registered.AddRange(harnesses);
        var entries = _registered.Select(h => $"{{\"id\":\"{h.Id}\",\"executable\":\"{h.Path}\",\"promptArgs\":[\"{{prompt}}\"]}}");
        File.WriteAllText(Path.Combine(HomeDir, "harnesses.json"), "{\"harnesses\":[" + string.Join(',', entries) + "]}");
    }
}
