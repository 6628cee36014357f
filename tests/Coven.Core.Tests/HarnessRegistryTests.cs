using Coven.TestSupport;

namespace Coven.Core.Tests;

public sealed class HarnessRegistryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void BuiltIns_ResumeTheirOwnConversationById_AndTheLatestOnlyWhenTheIdIsUnknown()
    {
        var registry = new HarnessRegistry([]);
        var codex = registry.All.Single(h => h.Id == "codex");
        var claude = registry.All.Single(h => h.Id == "claude");

        Assert.Equal(["--no-daemon", "resume", "0193-x", "--fast"], codex.BuildResumeArguments("0193-x", ["--fast"], out var codexLatest));
        Assert.False(codexLatest);
        Assert.Equal(["--no-daemon", "resume", "--last"], codex.BuildResumeArguments(null, [], out codexLatest));
        Assert.True(codexLatest);
        Assert.Null(codex.NewConversationId());

        var id = claude.NewConversationId();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal(["--session-id", id, "--", "p"], claude.BuildArguments("p", null, null, id));
        Assert.Equal(["--resume", id], claude.BuildResumeArguments(id, [], out var claudeLatest));
        Assert.False(claudeLatest);
        Assert.Equal(["--continue"], claude.BuildResumeArguments(null, [], out claudeLatest));
        Assert.True(claudeLatest);
    }

    [Fact]
    public void Registered_WithOnlyResumeByIdArgs_CannotResumeAnUnknownConversation()
    {
        var path = _dir.Combine("harnesses.json");
        File.WriteAllText(path, """{"harnesses":[{"id":"mine","executable":"/bin/true","resumeConversationArgs":["--open","{conversation}"],"conversationArgs":["--id","{conversation}"]}]}""");
        var mine = HarnessRegistry.Load(path).All.Single(h => h.Id == "mine");

        Assert.Equal(["--open", "c1"], mine.BuildResumeArguments("c1", [], out _));
        Assert.Null(mine.BuildResumeArguments(null, [], out _));
        Assert.Equal(["--id", "c2", "p"], mine.BuildArguments("p", null, null, "c2"));
    }

    [Fact]
    public void Find_UnknownId_FailsClosedAndListsKnownIds()
    {
        var r = new HarnessRegistry([]).Find("bash", "/usr/bin:/bin");

        Assert.Equal(HarnessLookupError.Unknown, r.Error);
        Assert.Contains("claude, codex", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_BuiltInMissingExecutable_SaysHowToInstall()
    {
        var r = new HarnessRegistry([]).Find("codex", _dir.Path);

        Assert.Equal(HarnessLookupError.Unavailable, r.Error);
        Assert.Contains("npm install -g @openai/codex", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_BuiltInOnPath_ReturnsAbsolutePathOfFirstHit()
    {
        var first = new FakeHarness(_dir.Combine("bin1"));
        var second = new FakeHarness(_dir.Combine("bin2"));
        var expected = first.Write("claude", "exit 0");
        second.Write("claude", "exit 0");

        var r = new HarnessRegistry([]).Find("claude", first.BinDir + ":" + second.BinDir);

        Assert.True(r.Ok, r.Message);
        Assert.Equal(expected, r.ExecutablePath);
    }

    [Fact]
    public void Find_NonExecutableFileOnPath_IsNotUsed()
    {
        Directory.CreateDirectory(_dir.Combine("bin"));
        File.WriteAllText(_dir.Combine("bin", "codex"), "not executable");

        Assert.Equal(HarnessLookupError.Unavailable, new HarnessRegistry([]).Find("codex", _dir.Combine("bin")).Error);
    }

    [Fact]
    public void BuildArguments_PromptAndModel_AreSingleArgvElements()
    {
        var codex = HarnessRegistry.BuiltIns.Single(h => h.Id == "codex");

        var args = codex.BuildArguments("fix tests; rm -rf / $(whoami) \"quoted\"", "o4 mini");

        Assert.Equal(["--no-daemon", "--model", "o4 mini", "--", "fix tests; rm -rf / $(whoami) \"quoted\""], args);
    }

    [Fact]
    public void BuildArguments_NoPrompt_HasNoSeparator()
    {
        Assert.Empty(HarnessRegistry.BuiltIns.Single(h => h.Id == "claude").BuildArguments(null, null));
        Assert.Equal(["--no-daemon"], HarnessRegistry.BuiltIns.Single(h => h.Id == "codex").BuildArguments(null, null));
    }

    [Fact]
    public void Load_RegisteredHarness_IsFoundByAbsolutePath()
    {
        var script = new FakeHarness(_dir.Combine("bin")).Write("my-agent", "exit 0");
        var config = _dir.Combine("harnesses.json");
        File.WriteAllText(config, $$"""{"harnesses": [{"id": "mine", "executable": "{{script}}", "args": ["--fast"], "promptArgs": ["-p", "{prompt}"]}]}""");

        var registry = HarnessRegistry.Load(config);
        var r = registry.Find("mine", string.Empty);

        Assert.True(r.Ok, r.Message);
        Assert.Equal(script, r.ExecutablePath);
        Assert.Equal(["--fast", "-p", "hello world"], r.Harness!.BuildArguments("hello world", null));
    }

    [Fact]
    public void Load_ActivitySettings_AreKeptAndDefaulted()
    {
        var config = _dir.Combine("harnesses.json");
        File.WriteAllText(config, """{"harnesses": [{"id": "mine", "executable": "/bin/true", "idleAfterMs": 1500, "waitingPatterns": ["Proceed\\? \\[y/n\\]"]}, {"id": "plain", "executable": "/bin/true"}]}""");

        var registry = HarnessRegistry.Load(config);

        var mine = registry.Find("mine", string.Empty).Harness!;
        Assert.Equal(1500, mine.IdleAfterMs);
        Assert.Equal([@"Proceed\? \[y/n\]"], mine.WaitingPatterns);
        var plain = registry.Find("plain", string.Empty).Harness!;
        Assert.Equal(ActivitySettings.DefaultIdleAfterMs, plain.IdleAfterMs);
        Assert.Empty(plain.WaitingPatterns);
        Assert.NotEmpty(HarnessRegistry.BuiltIns.Single(h => h.Id == "claude").WaitingPatterns);
    }

    [Theory]
    [InlineData("""{"harnesses": [{"id": "x", "executable": "relative/path"}]}""", "absolute")]
    [InlineData("""{"harnesses": [{"id": "Bad Id", "executable": "/bin/true"}]}""", "must match")]
    [InlineData("""{"harnesses": [{"id": "codex", "executable": "/bin/true"}]}""", "built in")]
    [InlineData("""{"harnesses": [""", "harnesses.json")]
    [InlineData("""{"harnesses": [{"id": "x", "executable": "/bin/true", "waitingPatterns": ["(unclosed"]}]}""", "waitingPatterns '(unclosed' is not a regex")]
    [InlineData("""{"harnesses": [{"id": "x", "executable": "/bin/true", "idleAfterMs": 5}]}""", "idleAfterMs must be 100-3600000")]
    [InlineData("""{"harnesses": [{"id": "x", "executable": "/bin/true", "activitySignals": ["sleepy"]}]}""", "activitySignals 'sleepy' is not one of working, waiting, idle")]
    public void Load_InvalidConfig_ThrowsWithClearMessage(string json, string expected)
    {
        var config = _dir.Combine("harnesses.json");
        File.WriteAllText(config, json);

        var e = Assert.Throws<HarnessConfigException>(() => HarnessRegistry.Load(config));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoConfigFile_HasOnlyBuiltIns()
    {
        var registry = HarnessRegistry.Load(_dir.Combine("missing.json"));

        Assert.Equal(["claude", "codex"], registry.All.Select(h => h.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_ActivitySignals_AreTheRegisteredHarnesssNativeActivities()
    {
        var config = _dir.Combine("harnesses.json");
        File.WriteAllText(config, """{"harnesses": [{"id": "mine", "executable": "/bin/true", "activitySignals": ["waiting", "idle"]}]}""");

        var registry = HarnessRegistry.Load(config);
        Assert.Equal(["waiting", "idle"], registry.All.Single(h => h.Id == "mine").NativeActivities);
        Assert.Equal(["working", "waiting", "idle"], registry.All.Single(h => h.Id == "claude").NativeActivities);
        Assert.Equal(["idle"], registry.All.Single(h => h.Id == "codex").NativeActivities);
    }

    /// <summary>Claude Code runs the hook command through a shell: a real sh must see exactly the path and two words.</summary>
    [Fact]
    public async Task ClaudeHookCommand_SurvivesARealShell_WhateverThePathHolds()
    {
        var folder = _dir.Combine("it's a $(dir) `x`");
        Directory.CreateDirectory(folder);
        var hook = Path.Combine(folder, "coven-lane");
        var seen = _dir.Combine("seen");
        File.WriteAllText(hook, $"#!/bin/sh\nprintf '%s|' \"$@\" > '{seen}'\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var settings = System.Text.Json.JsonDocument.Parse(ActivityHookArguments.ClaudeSettings(hook));
        var hooks = settings.RootElement.GetProperty("hooks");
        Assert.Equal(ActivityHookArguments.ClaudeEvents, hooks.EnumerateObject().Select(p => p.Name));
        var command = hooks.GetProperty("Stop")[0].GetProperty("hooks")[0].GetProperty("command").GetString()!;

        using var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } })!;
        await sh.WaitForExitAsync();
        Assert.Equal(0, sh.ExitCode);
        Assert.Equal("hook|claude|", File.ReadAllText(seen));
    }
}
