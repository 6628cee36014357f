using System.Diagnostics;
using System.Text.Json;
using Coven.ModelEndpoint;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// Native activity signals (docs/attention.md) with the real CLIs against the scripted model endpoint, driven through
/// the <c>coven</c> CLI: Claude Code's hooks (injected with <c>--settings</c>) say waiting at a permission prompt,
/// working once it is approved and idle after the final answer; Codex's <c>notify</c> says idle at the turn's end.
/// </summary>
public sealed class NativeActivityTests(AgentDaemonFixture daemon) : IClassFixture<AgentDaemonFixture>
{
    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task Claude_PermissionPrompt_IsWaitingWithinTwoSeconds_ApprovalWorksThenIdle()
    {
        TerminalDaemonFixture.RequireTool("claude");
        var repo = await daemon.NewGitRepoAsync();

        // A Claude configuration that does not pre-allow Bash, so the tool call asks for permission.
        var asking = new HarnessHomes(daemon.Endpoint, Path.Combine(daemon.UserHome, "asking-" + Guid.NewGuid().ToString("N")[..6]), daemon.ProjectDir);
        await File.WriteAllTextAsync(Path.Combine(asking.ClaudeConfigDir, "settings.json"), "{}");
        var run = await Cli.RunAsync("run", "claude", "--detach", "--root", repo, "-e", "CLAUDE_CONFIG_DIR=" + asking.ClaudeConfigDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        await WaitForScreenAsync(id, "for shortcuts");

        await SubmitAsync(id, "mk-p1 please make file asked.txt");
        await WaitForScreenAsync(id, "Do you want to proceed");
        var shown = Stopwatch.StartNew();
        var waiting = await Cli.RunAsync("wait", id, "--activity", "waiting", "--timeout", "2s");
        Assert.True(waiting.ExitCode == 0, $"not waiting within 2 s of the prompt ({shown.ElapsedMilliseconds} ms): {waiting}\n{await RecordAsync(id)}\n{LaneLog(id)}\n{string.Join("\n", await ActivityEventsAsync(id))}");
        var record = await RecordAsync(id);
        Assert.Equal("hook:PermissionRequest", record.GetProperty("activityReason").GetString());
        Assert.False(File.Exists(Path.Combine(repo, "asked.txt")), "the command ran before it was approved");

        var approved = await Cli.RunAsync("send", id, "\r");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        await WaitForScreenAsync(id, "ANSWER done turns=1 markers=mk-p1");
        var idle = await Cli.RunAsync("wait", id, "--activity", "idle", "--timeout", "10s");
        Assert.True(idle.ExitCode == 0, idle.ToString());
        Assert.True(File.Exists(Path.Combine(repo, "asked.txt")), "the approved command did not run");

        // The event log: waiting (the hook) → working (the tool ran after the approval) → idle (Stop), all native.
        var events = await ActivityEventsAsync(id);
        var fromWaiting = events.SkipWhile(e => e.GetProperty("activity").GetString() != "waiting").ToList();
        Assert.True(fromWaiting.Count >= 3, "activity events: " + string.Join(", ", events));
        Assert.Equal(["waiting", "working", "idle"], fromWaiting.Take(3).Select(e => e.GetProperty("activity").GetString()));
        Assert.All(fromWaiting.Take(3), e => Assert.Equal("hook", e.GetProperty("source").GetString()));
        Assert.Equal("hook:PostToolUse", fromWaiting[1].GetProperty("reason").GetString());
        Assert.Equal("hook:Stop", fromWaiting[2].GetProperty("reason").GetString());
        await KillAsync(id);
    }

    [Fact]
    public async Task Codex_TurnEnd_IsIdleByItsNotifyProgram()
    {
        TerminalDaemonFixture.RequireTool("codex");
        var repo = await daemon.NewGitRepoAsync();
        var run = await Cli.RunAsync("run", "codex", "--detach", "--root", repo);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        await WaitForScreenAsync(id, "for shortcuts");

        await SubmitAsync(id, "mk-n1 hello");
        await WaitForScreenAsync(id, "ANSWER turns=1 markers=mk-n1");
        JsonElement record = default;
        Assert.True(
            await Eventually.TrueAsync(
                async () =>
                {
                    record = await RecordAsync(id);
                    return record.GetProperty("activity").GetString() == "idle" && record.GetProperty("activityReason").GetString() == "hook:agent-turn-complete";
                },
                TimeSpan.FromSeconds(10)),
            "the turn's end was not reported by Codex's notify: " + record + "\n" + string.Join(", ", await ActivityEventsAsync(id)));
        var last = (await ActivityEventsAsync(id))[^1];
        Assert.Equal("hook", last.GetProperty("source").GetString());
        await KillAsync(id);
    }

    private string LaneLog(string id)
    {
        var path = Path.Combine(daemon.HomeDir, "logs", $"lane-{id}.log");
        return File.Exists(path) ? "--- lane log\n" + File.ReadAllText(path) : "(no lane log)";
    }

    private async Task SubmitAsync(string id, string prompt)
    {
        var sent = await Cli.RunAsync("send", id, "--submit", prompt);
        Assert.True(sent.ExitCode == 0, $"send --submit '{prompt}' failed: {sent}");
    }

    private async Task WaitForScreenAsync(string id, string pattern)
    {
        var waited = await Cli.RunAsync(["wait", id, "--for", pattern, "--timeout", "40s"], stdin: null, timeout: TimeSpan.FromSeconds(60));
        Assert.True(waited.ExitCode == 0, $"'{pattern}' did not appear on session {id}: {waited}\n--- screen\n{(await Cli.RunAsync("screen", id)).Stdout}");
    }

    private async Task KillAsync(string id)
    {
        Assert.Equal(0, (await Cli.RunAsync("kill", id)).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--exit", "--timeout", "15s")).ExitCode);
    }

    private async Task<JsonElement> RecordAsync(string id)
    {
        var r = await Cli.RunAsync("show", id, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    private async Task<List<JsonElement>> ActivityEventsAsync(string id)
    {
        using var http = UnixSocketHttp.Create(Path.Combine(daemon.HomeDir, "coven.sock"));
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"http://coven/api/v1/sessions/{id}/events?kind=activity&limit=1000"));
        return [.. doc.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!).RootElement.Clone())];
    }
}
