using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// A real covend for the terminal-fidelity tests: fake harnesses (registered by absolute path) that exercise the
/// screen model, and the real <c>codex</c> and <c>claude</c> CLIs that <c>test.sh</c> installs into
/// <c>&lt;repo&gt;/.tools/node_modules/.bin</c>, first on the daemon's PATH. HOME points at an empty temp folder
/// so the real CLIs start as on a fresh machine (no sign-in, no settings of whoever runs the tests).
/// </summary>
public sealed class TerminalDaemonFixture : RealHarnessDaemon
{
    public TerminalDaemonFixture()
        : base(folder => ToolsBin + ":" + Path.Combine(folder, "bin"))
    {
        Harnesses = new FakeHarness(Path.Combine(Folder, "bin"));
        Cli.Environment["CODEX_HOME"] = null;
        Cli.Environment["CLAUDE_CONFIG_DIR"] = null;

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

    public FakeHarness Harnesses { get; }

    /// <summary>Launches a detached session in <paramref name="root"/> (default: the project dir) and returns its id.</summary>
    public async Task<string> RunDetachedAsync(string harness, string? prompt = null, string? root = null)
    {
        string[] args = prompt is null ? ["run", harness, "--detach", "--root", root ?? ProjectDir] : ["run", harness, prompt, "--detach", "--root", root ?? ProjectDir];
        var r = await Cli.RunAsync(args, stdin: null);
        Assert.True(r.ExitCode == 0, "coven run failed: " + r);
        return r.Stdout.Trim();
    }
}
