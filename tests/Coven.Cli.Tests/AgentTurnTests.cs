using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// Real agent work inside Coven, driven only through the <c>coven</c> CLI: the real Codex / Claude Code CLI against
/// the tests' scripted model endpoint (<see cref="Coven.ModelEndpoint.AgentScript"/>). In one git repository, session
/// A runs a tool-using turn (the tool writes a file into the project) and a second turn that sees the first; session
/// B has its own conversation; both are killed; resuming A continues A's conversation, not B's (B is the newer one, so
/// "the latest conversation in this folder" would be B's). A missing CLI fails the test.
/// </summary>
public abstract class AgentTurnTests(AgentDaemonFixture daemon, string harness)
{
    private static readonly string s_timeout = "40s";

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task ToolTurn_SecondTurn_TwoSessionsInOneRepo_ResumeContinuesItsOwnConversation()
    {
        RealHarnessDaemon.RequireTool(harness);
        var repo = await daemon.NewGitRepoAsync();

        var a = await LaunchReadyAsync(repo);
        await SubmitAsync(a, "mk-a1 please make file agent-made.txt");
        await WaitForAsync(a, "ANSWER done turns=1 markers=mk-a1");
        var made = Path.Combine(repo, "agent-made.txt");
        Assert.True(File.Exists(made), "the tool call did not create the file in the project:\n" + await ScreenAsync(a));
        Assert.Equal("written by the agent\n", await File.ReadAllTextAsync(made));

        await SubmitAsync(a, "mk-a2 and once more");
        await WaitForAsync(a, "ANSWER turns=2 markers=mk-a1,mk-a2");

        var b = await LaunchReadyAsync(repo);
        await SubmitAsync(b, "mk-b1 hello from b");
        await WaitForAsync(b, "ANSWER turns=1 markers=mk-b1");

        await KillAsync(a);
        await KillAsync(b);
        var recordA = await ShowAsync(a);
        var recordB = await ShowAsync(b);
        var conversationA = recordA.GetProperty("conversationId").GetString();
        var conversationB = recordB.GetProperty("conversationId").GetString();
        Assert.False(string.IsNullOrEmpty(conversationA), "no conversationId recorded for A: " + recordA);
        Assert.False(string.IsNullOrEmpty(conversationB), "no conversationId recorded for B: " + recordB);
        Assert.NotEqual(conversationA, conversationB);

        var resumed = await Cli.RunAsync("resume", a, "--detach");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var r = resumed.Stdout.Trim();
        Assert.Contains(conversationA!, resumed.Stderr, StringComparison.Ordinal);
        var recordR = await ShowAsync(r);
        Assert.Equal(a, recordR.GetProperty("resumedFrom").GetString());
        Assert.Equal(conversationA, recordR.GetProperty("conversationId").GetString());

        // The resumed harness shows A's conversation, and the next turn carries A's history (three turns, A's markers).
        await WaitForAsync(r, "mk-a2");
        await WaitForAsync(r, "for shortcuts");
        Assert.DoesNotContain("mk-b1", await ScreenAsync(r), StringComparison.Ordinal);
        await SubmitAsync(r, "mk-a3 after the resume");
        await WaitForAsync(r, "ANSWER turns=3 markers=mk-a1,mk-a2,mk-a3");
        await KillAsync(r);
    }

    /// <summary>
    /// Issue 17: a <c>--worktree</c> session's tool call writes inside its worktree only. Only the main repository is
    /// trusted (as a user would have it); the harness must start in the worktree without asking again.
    /// </summary>
    [Fact]
    public async Task WorktreeSession_ToolTurn_WritesInsideItsWorktreeOnly()
    {
        RealHarnessDaemon.RequireTool(harness);
        var repo = await daemon.NewCommittedRepoAsync();

        var id = await LaunchReadyAsync(repo, "--worktree");
        var worktree = (await ShowAsync(id)).GetProperty("worktree");
        var path = worktree.GetProperty("path").GetString()!;
        Assert.StartsWith(Path.Combine(daemon.HomeDir, "worktrees") + "/", path, StringComparison.Ordinal);
        await SubmitAsync(id, "mk-w1 please make file wt-made.txt");
        await WaitForAsync(id, "ANSWER done turns=1 markers=mk-w1");

        Assert.Equal("written by the agent\n", await File.ReadAllTextAsync(Path.Combine(path, "wt-made.txt")));
        Assert.False(File.Exists(Path.Combine(repo, "wt-made.txt")), "the tool wrote into the user's work tree");
        Assert.Equal(string.Empty, GitRepo.Run(repo, "status", "--porcelain"));
        var diff = await Cli.RunAsync("diff", id, "--json");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        using (var doc = JsonDocument.Parse(diff.Stdout))
        {
            Assert.Equal(["wt-made.txt"], doc.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray());
        }

        await KillAsync(id);
    }

    private async Task<string> LaunchReadyAsync(string repo, params string[] extra)
    {
        var run = await Cli.RunAsync(["run", harness, "--detach", "--root", repo, .. extra], stdin: null);
        Assert.True(run.ExitCode == 0, "coven run failed: " + run);
        var id = run.Stdout.Trim();

        // Both CLIs show "? for shortcuts" under an empty prompt once they accept input.
        await WaitForAsync(id, "for shortcuts");
        return id;
    }

    private async Task SubmitAsync(string id, string prompt)
    {
        var sent = await Cli.RunAsync("send", id, "--submit", prompt);
        Assert.True(sent.ExitCode == 0, $"send --submit '{prompt}' failed: {sent}\n--- screen\n{await ScreenAsync(id)}");
    }

    private async Task WaitForAsync(string id, string pattern)
    {
        var waited = await Cli.RunAsync(["wait", id, "--for", pattern, "--timeout", s_timeout], stdin: null, timeout: TimeSpan.FromSeconds(60));
        Assert.True(waited.ExitCode == 0, $"'{pattern}' did not appear on {harness} session {id}: {waited}\n--- screen\n{await ScreenAsync(id)}");
    }

    private async Task KillAsync(string id)
    {
        var kill = await Cli.RunAsync("kill", id);
        Assert.True(kill.ExitCode == 0, kill.ToString());
        var ended = await Cli.RunAsync("wait", id, "--exit", "--timeout", "15s");
        Assert.True(ended.ExitCode == 0, ended.ToString());
    }

    private async Task<string> ScreenAsync(string id) => (await Cli.RunAsync("screen", id)).Stdout;

    private async Task<JsonElement> ShowAsync(string id)
    {
        var r = await Cli.RunAsync("show", id, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }
}

/// <summary>The real Codex CLI (Responses API on the scripted endpoint).</summary>
public sealed class CodexAgentTurnTests(AgentDaemonFixture daemon) : AgentTurnTests(daemon, "codex"), IClassFixture<AgentDaemonFixture>;

/// <summary>The real Claude Code CLI (Messages API on the scripted endpoint).</summary>
public sealed class ClaudeAgentTurnTests(AgentDaemonFixture daemon) : AgentTurnTests(daemon, "claude"), IClassFixture<AgentDaemonFixture>;
