using System.Text;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// The real Codex and Claude Code CLIs (installed by test.sh into .tools) under a real daemon, lane and PTY, on a
/// machine without network: Codex shows its welcome / sign-in screen only if the lane answers its terminal queries;
/// Claude Code reports that it cannot connect and exits 1. A missing install fails these tests, never skips them.
/// </summary>
public sealed class RealHarnessTests(TerminalDaemonFixture daemon) : IClassFixture<TerminalDaemonFixture>
{
    private const string CodexWelcome = "Welcome to Codex";

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task Codex_InTempGitRepo_ShowsWelcomeScreenNavigatesAndKillsCleanly()
    {
        RealHarnessDaemon.RequireTool("codex");
        var repo = await NewGitRepoAsync();

        var id = await daemon.RunDetachedAsync("codex", "fix tests", repo);
        var record = await ShowAsync(id);
        Assert.Equal("live", record.GetProperty("status").GetString());

        // Within 10 s: Codex renders nothing at all until its DA1/CPR/OSC queries are answered.
        var welcome = await Cli.RunAsync("wait", id, "--for", CodexWelcome, "--timeout", "10s");
        Assert.True(welcome.ExitCode == 0, "no welcome screen within 10 s: " + welcome + "\n--- screen\n" + (await Cli.RunAsync("screen", id)).Stdout);
        var before = (await Cli.RunAsync("screen", id)).Stdout;
        Assert.Contains("Sign in", before, StringComparison.Ordinal);
        var highlighted = HighlightedLine(before);

        // Arrow down (the program's cursor-key mode decides the form; both are what a terminal sends).
        Assert.Equal(0, (await Cli.RunAsync("send", id, "\e[B")).ExitCode);
        var moved = await Cli.RunAsync("wait", id, "--for", $"^\\s*>\\s+(?!{System.Text.RegularExpressions.Regex.Escape(highlighted.TrimStart('>', ' '))}).+", "--timeout", "10s");
        Assert.True(moved.ExitCode == 0, $"the highlighted line '{highlighted}' did not move: {moved}\n--- screen\n{(await Cli.RunAsync("screen", id)).Stdout}");

        var harnessPid = record.GetProperty("harnessPid").GetInt32();
        var kill = await Cli.RunAsync("kill", id);
        var ended = await Cli.RunAsync("wait", id, "--exit", "--timeout", "15s", "--json");

        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.True(ended.ExitCode == 0, ended.ToString());
        using (var doc = JsonDocument.Parse(ended.Stdout))
        {
            var session = doc.RootElement.GetProperty("session");
            Assert.Equal("killed", session.GetProperty("endReason").GetString());
        }

        Assert.True(
            await Eventually.TrueAsync(() => ProcFs.GroupMembers(harnessPid).Count == 0, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)),
            "processes of the harness group outlived the session: " + string.Join(", ", ProcFs.GroupMembers(harnessPid)));

        // Codex's shared background app-server detaches into its own session, out of the group's reach; the lane,
        // as child subreaper, adopts it and ends it with the session before recording the exit.
        Assert.True(
            await Eventually.TrueAsync(() => daemon.EscapedProcesses().Count == 0, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)),
            "processes started by the session outlived it: " + string.Join(", ", daemon.EscapedProcesses()));
    }

    [Fact]
    public async Task Codex_ResizedRepeatedlyWhileStarting_StillShowsWelcomeScreen()
    {
        RealHarnessDaemon.RequireTool("codex");
        var repo = await NewGitRepoAsync();
        using var http = UnixSocketHttp.Create(Path.Combine(daemon.HomeDir, "coven.sock"));

        var id = await daemon.RunDetachedAsync("codex", "fix tests", repo);
        foreach (var (cols, rows) in new[] { (80, 24), (132, 50), (60, 20), (150, 45), (100, 30) })
        {
            using var response = await http.PostAsync(
                $"api/v1/sessions/{id}/resize",
                new StringContent($"{{\"cols\":{cols},\"rows\":{rows}}}", Encoding.UTF8, "application/json"));
            Assert.True((int)response.StatusCode == 202, await response.Content.ReadAsStringAsync());
        }

        var welcome = await Cli.RunAsync("wait", id, "--for", CodexWelcome, "--timeout", "10s");
        var json = await Cli.RunAsync("screen", id, "--json");

        Assert.True(welcome.ExitCode == 0, "wedged after resizes: " + welcome + "\n--- screen\n" + (await Cli.RunAsync("screen", id)).Stdout);
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal(100, doc.RootElement.GetProperty("cols").GetInt32());
            Assert.Equal(30, doc.RootElement.GetProperty("rows").GetInt32());
        }

        Assert.Equal(0, (await Cli.RunAsync("kill", id)).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--exit", "--timeout", "15s")).ExitCode);
    }

    [Fact]
    public async Task Claude_WithoutNetwork_ShowsConnectionErrorAndFailsWithExit1()
    {
        RealHarnessDaemon.RequireTool("claude");
        var repo = await NewGitRepoAsync();

        var id = await daemon.RunDetachedAsync("claude", "fix tests", repo);
        var ended = await Cli.RunAsync("wait", id, "--exit", "--timeout", "30s", "--json");
        var screen = await Cli.RunAsync("screen", id);
        var logs = await Cli.RunAsync("logs", id);

        Assert.True(ended.ExitCode == 0, ended + "\n--- screen\n" + screen.Stdout);
        using (var doc = JsonDocument.Parse(ended.Stdout))
        {
            var session = doc.RootElement.GetProperty("session");
            Assert.Equal("failed", session.GetProperty("status").GetString());
            Assert.Equal(1, session.GetProperty("exitCode").GetInt32());
        }

        Assert.Contains("Unable to connect to Anthropic services", screen.Stdout, StringComparison.Ordinal);
        Assert.Contains("Unable to connect to Anthropic services", logs.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\e", logs.Stdout, StringComparison.Ordinal);
    }

    private async Task<JsonElement> ShowAsync(string id)
    {
        var r = await Cli.RunAsync("show", id, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>The first row that starts with the selection marker '>' (Codex's highlighted choice).</summary>
    private static string HighlightedLine(string screen)
    {
        var line = screen.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("> ", StringComparison.Ordinal));
        Assert.True(line is not null, "no highlighted ('> ') line on the screen:\n" + screen);
        return line.Trim();
    }

    private Task<string> NewGitRepoAsync() => GitRepo.InitAsync(Path.Combine(daemon.ProjectDir, "repo-" + Guid.NewGuid().ToString("N")[..8]));
}
