using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// A real covend for the terminal-fidelity tests: fake harnesses (registered by absolute path) that exercise the
/// screen model, and the real <c>codex</c> and <c>claude</c> CLIs that <c>test.sh</c> installs into
/// <c>&lt;repo&gt;/.tools/node_modules/.bin</c>, first on the daemon's PATH. HOME points at an empty temp folder
/// so the real CLIs start as on a fresh machine (no sign-in, no settings of whoever runs the tests).
/// </summary>
public sealed class TerminalDaemonFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();

    public TerminalDaemonFixture()
    {
        HomeDir = _dir.Combine("h");
        Directory.CreateDirectory(HomeDir);
        File.SetUnixFileMode(HomeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        UserHome = _dir.Combine("u");
        Directory.CreateDirectory(UserHome);
        ProjectDir = _dir.Combine("proj");
        Directory.CreateDirectory(ProjectDir);
        Harnesses = new FakeHarness(_dir.Combine("bin"));
        Cli = new CovenCli(HomeDir, ToolsBin + ":" + Harnesses.BinDir);
        Cli.Environment["HOME"] = UserHome;
        Cli.Environment["CODEX_HOME"] = null;
        Cli.Environment["CLAUDE_CONFIG_DIR"] = null;
        Cli.Environment["ANTHROPIC_API_KEY"] = null;
        Cli.Environment["OPENAI_API_KEY"] = null;

        var entries = new (string Id, string Path)[]
        {
            // Words placed with CHA (CSI n G), as Claude Code writes them.
            ("placed", Harnesses.Write("placed-harness", "printf 'Unable\\033[8Gto\\033[11Gconnect\\r\\n'\nprintf 'second\\033[10Gline\\r\\n'")),

            // Enables bracketed paste, then reports how the next line arrived.
            ("paste", Harnesses.Write("paste-harness", """
                printf '\033[?2004hprompt> '
                IFS= read -r line
                case "$line" in
                  *'[200~'*'[201~'*) printf '\nPASTED:%s\n' "$(printf '%s' "$line" | tr -d '\033' | sed 's/\[20[01]~//g')" ;;
                  *) printf '\nTYPED:%s\n' "$line" ;;
                esac
                IFS= read -r rest
                """)),

            // No bracketed paste: plain text and Enter.
            ("plain", Harnesses.Write("plain-harness", """
                printf 'prompt> '
                IFS= read -r line
                printf '\nTYPED:%s\n' "$line"
                IFS= read -r rest
                """)),

            // Prints, then stays quiet until told to stop.
            ("quiet", Harnesses.Write("quiet-harness", "printf '\\033[31mbooted\\033[0m\\n'\nIFS= read -r line\nprintf 'bye\\n'")),
            ("fail3", Harnesses.Write("fail3-harness", "printf 'failing now\\n'\nexit 3")),
        };
        var json = entries.Select(h => $"{{\"id\":\"{h.Id}\",\"executable\":\"{h.Path}\",\"promptArgs\":[\"{{prompt}}\"]}}");
        File.WriteAllText(Path.Combine(HomeDir, "harnesses.json"), "{\"harnesses\":[" + string.Join(',', json) + "]}");
    }

    /// <summary>Where <c>test.sh</c> installs the real harness CLIs.</summary>
    public static string ToolsBin { get; } = Path.Combine(RepoPaths.Root, ".tools", "node_modules", ".bin");

    public string HomeDir { get; }
    public string UserHome { get; }
    public string ProjectDir { get; }
    public FakeHarness Harnesses { get; }
    public CovenCli Cli { get; }

    /// <summary>Fails the calling test (never skips it) when a real harness CLI is not installed.</summary>
    public static void RequireTool(string name)
    {
        var path = Path.Combine(ToolsBin, name);
        Assert.True(
            File.Exists(path),
            $"the real '{name}' CLI is not installed at {path}. Install the harness CLIs with: "
            + "npm install --prefix .tools --no-audit --no-fund @openai/codex@0.171.0 @anthropic-ai/claude-code@2.1.197 (test.sh does this; it needs network once).");
    }

    public async Task InitializeAsync()
    {
        await CovenDaemon.StartAsync(Cli);
    }

    /// <summary>Launches a detached session in <paramref name="root"/> (default: the project dir) and returns its id.</summary>
    public async Task<string> RunDetachedAsync(string harness, string? prompt = null, string? root = null)
    {
        string[] args = prompt is null ? ["run", harness, "--detach", "--root", root ?? ProjectDir] : ["run", harness, prompt, "--detach", "--root", root ?? ProjectDir];
        var r = await Cli.RunAsync(args, stdin: null);
        Assert.True(r.ExitCode == 0, "coven run failed: " + r);
        return r.Stdout.Trim();
    }

    public async Task DisposeAsync()
    {
        await CovenDaemon.StopAsync(Cli);
        KillEscapedProcesses();
    }

    /// <summary>
    /// Processes running an executable from this fixture's temp folder. Codex 0.169 starts a shared background
    /// "app-server" from <c>$HOME/.codex/packages</c> that detaches (its own session, reparented to init), so it is
    /// outside the session's process group and outlives the session by design; with a fresh HOME per fixture,
    /// each test run would otherwise leave one behind.
    /// </summary>
    public List<int> EscapedProcesses()
    {
        var found = new List<int>();
        foreach (var pid in ProcFs.Pids())
        {
            try
            {
                var exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
                if (exe is not null && exe.StartsWith(_dir.Path + "/", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to look at.
            }
        }

        return found;
    }

    private void KillEscapedProcesses()
    {
        foreach (var pid in EscapedProcesses())
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
