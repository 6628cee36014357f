using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>coven familiars, cast, run without a harness, resume and handoff, end to end against a real daemon and lanes.</summary>
public sealed class CastCommandTests : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly DaemonFixture _daemon;

    public CastCommandTests(DaemonFixture daemon)
    {
        _daemon = daemon;

        // Built-in ids that print their argv (the fixture's codex/claude only print a banner).
        daemon.Harnesses.WriteEcho("codex");
        daemon.Harnesses.WriteEcho("claude");
    }

    private CovenCli Cli => _daemon.Cli;

    /// <summary>A fresh project root per test: active familiars and "the project's sessions" are per root.</summary>
    private string NewRoot()
    {
        var root = Path.Combine(_daemon.ProjectDir, "p" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        return root;
    }

    [Fact]
    public async Task Familiars_AddListRemove_RoundTrips()
    {
        var add = await Cli.RunAsync(["familiars", "add", "lister", "--harness", "claude", "--model", "opus", "--", "--verbose", "two words"], stdin: null);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal("lister = claude --model opus --verbose \"two words\"\n", add.Stdout);

        var list = await Cli.RunAsync("familiars", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("lister", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("built-in", list.Stdout, StringComparison.Ordinal);
        var json = await Cli.RunAsync("familiars", "list", "--json");
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            var lister = doc.RootElement.GetProperty("familiars").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "lister");
            Assert.Equal(["--verbose", "two words"], lister.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
        }

        Assert.Equal(0, (await Cli.RunAsync("familiars", "remove", "lister")).ExitCode);
        var again = await Cli.RunAsync("familiars", "rm", "lister");
        Assert.Equal(4, again.ExitCode);
        Assert.EndsWith("(familiar_not_found)\n", again.Stderr, StringComparison.Ordinal);
        var unknown = await Cli.RunAsync("familiars", "add", "x", "--harness", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.EndsWith("(unknown_harness)\n", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutHarness_UsesTheActiveFamiliarAndFailsWithoutOne()
    {
        var root = NewRoot();
        var none = await Cli.RunAsync(["run", "-p", "hello", "-d", "--root", root], stdin: null);
        Assert.Equal(2, none.ExitCode);
        Assert.EndsWith("(no_active_familiar)\n", none.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await Cli.RunAsync("familiars", "add", "helper", "--harness", "echo", "--", "--flag")).ExitCode);
        var cast = await Cli.RunAsync(["cast", "~>helper", "--root", root], stdin: null);
        Assert.True(cast.ExitCode == 0, cast.ToString());
        Assert.Contains("active familiar for", cast.Stdout, StringComparison.Ordinal);

        var run = await Cli.RunAsync(["run", "-p", "hello there", "-d", "--root", root], stdin: null);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        var record = await _daemon.ShowAsync(id);
        Assert.Equal("helper", record.GetProperty("familiar").GetString());
        Assert.Equal("echo", record.GetProperty("harness").GetString());
        await WaitForLogsAsync(id, "arg: hello there");
        Assert.Contains("arg: --flag", (await Cli.RunAsync("logs", id)).Stdout, StringComparison.Ordinal);

        var named = await Cli.RunAsync(["run", "helper", "named", "-d", "--json", "--root", root], stdin: null);
        using var doc = JsonDocument.Parse(named.Stdout);
        Assert.Equal("helper", doc.RootElement.GetProperty("familiar").GetString());
    }

    [Fact]
    public async Task Cast_MalformedCode_ExitsTwoWithACaretUnderTheColumn()
    {
        var r = await Cli.RunAsync("cast", "~delegate:scout");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Contains("column 16", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("(invalid_cast)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("  ~delegate:scout\n" + new string(' ', 17) + "^ expected a space and the task", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cast_DelegateStatusAndBroadcast_HumanAndJson()
    {
        var root = NewRoot();
        var other = NewRoot();
        Assert.Equal(0, (await Cli.RunAsync("familiars", "add", "scout", "--harness", "claude")).ExitCode);

        var delegated = await Cli.RunAsync(["cast", "~delegate:scout look at the failing build", "--root", root, "--json"], stdin: null);
        Assert.True(delegated.ExitCode == 0, delegated.ToString());
        string scoutId;
        using (var doc = JsonDocument.Parse(delegated.Stdout))
        {
            Assert.Equal("session.launch", doc.RootElement.GetProperty("action").GetString());
            scoutId = doc.RootElement.GetProperty("result").GetProperty("id").GetString()!;
        }

        var plain = await Cli.RunAsync(["cast", "~delegate:codex second", "--root", root], stdin: null);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        var codexId = plain.Stdout.Trim();
        var elsewhere = (await Cli.RunAsync(["cast", "~delegate:codex elsewhere", "--root", other], stdin: null)).Stdout.Trim();

        var status = await Cli.RunAsync(["cast", "~?", "--root", root], stdin: null);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains(scoutId[..8], status.Stdout, StringComparison.Ordinal);
        Assert.Contains(codexId[..8], status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(elsewhere[..13], status.Stdout, StringComparison.Ordinal);
        Assert.Contains("scout", status.Stdout, StringComparison.Ordinal);

        var broadcast = await Cli.RunAsync(["cast", "~broadcast scout stop and summarize", "--root", root], stdin: null);
        Assert.True(broadcast.ExitCode == 0, broadcast.ToString());
        Assert.Equal($"{scoutId}  scout  delivered\n", broadcast.Stdout);
        await WaitForLogsAsync(scoutId, "got: stop and summarize");
        Assert.DoesNotContain("stop and summarize", (await Cli.RunAsync("logs", codexId)).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("stop and summarize", (await Cli.RunAsync("logs", elsewhere)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_DefaultAndById_BuildTheHarnessResumeArgv()
    {
        var root = NewRoot();
        var codex = (await Cli.RunAsync(["run", "codex", "first", "-d", "--root", root], stdin: null)).Stdout.Trim();
        await EndAsync(codex);

        var resumed = await Cli.RunAsync(["resume", "-d", "--root", root], stdin: null);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var newId = resumed.Stdout.Trim();
        Assert.Equal(codex, (await _daemon.ShowAsync(newId)).GetProperty("resumedFrom").GetString());
        var logs = await WaitForLogsAsync(newId, "ready");
        Assert.Equal(["--no-daemon", "resume", "--last"], FakeHarness.EchoedArgv(logs));
        Assert.Contains("its conversation id is unknown, so codex continues its latest conversation in " + root, resumed.Stderr, StringComparison.Ordinal);

        var claude = (await Cli.RunAsync(["run", "claude", "p", "-d", "--root", root], stdin: null)).Stdout.Trim();
        var conversation = (await _daemon.ShowAsync(claude)).GetProperty("conversationId").GetString()!;
        await EndAsync(claude);
        var byId = await Cli.RunAsync(["resume", claude[..20], "-d", "--json"], stdin: null);
        Assert.True(byId.ExitCode == 0, byId.ToString());
        using var doc = JsonDocument.Parse(byId.Stdout);
        Assert.Equal(claude, doc.RootElement.GetProperty("resumedFrom").GetString());
        var claudeLogs = await WaitForLogsAsync(doc.RootElement.GetProperty("id").GetString()!, "ready");
        Assert.Equal(["--resume", conversation], FakeHarness.EchoedArgv(claudeLogs));
        Assert.Contains("conversation " + conversation, byId.Stderr, StringComparison.Ordinal);

        var live = await Cli.RunAsync("resume", doc.RootElement.GetProperty("id").GetString()!, "-d");
        Assert.Equal(5, live.ExitCode);
        Assert.Contains("(invalid_transition)", live.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handoff_PrintsUntrustedPromptJsonAndHandsOffToAFamiliar()
    {
        var root = NewRoot();
        var id = (await Cli.RunAsync(["run", "codex", "the original task", "-d", "--root", root], stdin: null)).Stdout.Trim();
        await Cli.RunAsync("send", id, "progress note", "--enter");
        await WaitForLogsAsync(id, "got: progress note");

        var prompt = await Cli.RunAsync("handoff", id[..13]);
        Assert.True(prompt.ExitCode == 0, prompt.ToString());
        Assert.StartsWith("UNTRUSTED CONTEXT FROM ANOTHER AGENT.", prompt.Stdout, StringComparison.Ordinal);
        Assert.Contains("got: progress note", prompt.Stdout, StringComparison.Ordinal);
        Assert.Contains("the original task", prompt.Stdout, StringComparison.Ordinal);

        var json = await Cli.RunAsync("handoff", id, "--json", "-n", "3");
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("untrusted").GetBoolean());
            Assert.Equal(3, doc.RootElement.GetProperty("recentOutput").GetArrayLength());
        }

        var to = await Cli.RunAsync("handoff", id, "--to", "claude");
        Assert.True(to.ExitCode == 0, to.ToString());
        var newId = to.Stdout.Trim();
        Assert.Contains($"handed off {id} to claude", to.Stderr, StringComparison.Ordinal);
        await WaitForLogsAsync(newId, "arg: UNTRUSTED CONTEXT FROM ANOTHER AGENT.");

        var bad = await Cli.RunAsync("handoff", id, "--to", "Not A Name");
        Assert.Equal(2, bad.ExitCode);
    }

    private async Task EndAsync(string id)
    {
        await WaitForLogsAsync(id, "ready");
        var send = await Cli.RunAsync("send", id, "exit 0", "--enter");
        Assert.True(send.ExitCode == 0, send.ToString());
        await _daemon.WaitForStatusAsync(id, s_wait, "finished");
    }

    private async Task<string> WaitForLogsAsync(string id, string text)
    {
        var logs = string.Empty;
        var ok = await Eventually.TrueAsync(
            async () => (logs = (await Cli.RunAsync("logs", id)).Stdout).Contains(text, StringComparison.Ordinal),
            s_wait,
            TimeSpan.FromMilliseconds(50));
        Assert.True(ok, $"session {id} never printed '{text}'; logs:\n{logs}");
        return logs;
    }
}
