using System.Net;
using System.Text;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// coven screen / wait / send --submit / logs rendering end to end (coven → covend → coven-lane → fake harness).
/// Synchronization is the wait API itself or bounded polling; nothing sleeps.
/// </summary>
public sealed class TerminalCommandTests(TerminalDaemonFixture daemon) : IClassFixture<TerminalDaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task Screen_LiveSession_PrintsWhatTheProgramShows()
    {
        var id = await daemon.RunDetachedAsync("quiet");
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--for", "booted", "--timeout", "20s")).ExitCode);

        var text = await Cli.RunAsync("screen", id);
        var json = await Cli.RunAsync("screen", id, "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal("booted\n", text.Stdout);
        using var doc = JsonDocument.Parse(json.Stdout);
        var root = doc.RootElement;
        Assert.Equal(120, root.GetProperty("cols").GetInt32());
        Assert.Equal(40, root.GetProperty("rows").GetInt32());
        Assert.Equal(40, root.GetProperty("lines").GetArrayLength());
        Assert.Equal("booted", root.GetProperty("lines")[0].GetString());
        Assert.Equal(1, root.GetProperty("cursor").GetProperty("row").GetInt32());
        Assert.True(root.GetProperty("live").GetBoolean());
        Assert.False(root.GetProperty("bracketedPaste").GetBoolean());
        Assert.False(root.TryGetProperty("ansi", out _));
        await EndAsync(id);
    }

    [Fact]
    public async Task Health_ScreenCapability_IsTrue()
    {
        var r = await Cli.RunAsync("daemon", "status", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("capabilities").GetProperty("screen").GetBoolean());
    }

    [Fact]
    public async Task Screen_UnknownSession_FailsWithNotFound()
    {
        var r = await Cli.RunAsync("screen", "00000000-0000-7000-8000-000000000000");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("(session_not_found)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Screen_Ansi_KeepsColours()
    {
        var id = await daemon.RunDetachedAsync("quiet");
        await Cli.RunAsync("wait", id, "--for", "booted", "--timeout", "20s");

        var r = await Cli.RunAsync("screen", id, "--ansi");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("\e[0m", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("\e[0;31mbooted\e[0m", r.Stdout, StringComparison.Ordinal);
        await EndAsync(id);
    }

    [Fact]
    public async Task Screen_EndedSession_IsReplayedFromTheRecording()
    {
        var id = await daemon.RunDetachedAsync("placed");
        var wait = await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s");

        var r = await Cli.RunAsync("screen", id);
        var json = await Cli.RunAsync("screen", id, "--json");

        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal("finished, exit 0\n", wait.Stdout);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Unable to connect\nsecond   line\n", r.Stdout);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.False(doc.RootElement.GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task Logs_WordsPlacedWithCursorMoves_ReadAsOnScreen()
    {
        var id = await daemon.RunDetachedAsync("placed");
        await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s");

        var readable = await Cli.RunAsync("logs", id);
        var followed = await Cli.RunAsync("logs", id, "-f");
        var raw = await Cli.RunAsync("logs", id, "--raw");

        Assert.True(readable.ExitCode == 0, readable.ToString());
        Assert.Equal("Unable to connect\nsecond   line\n", readable.Stdout);
        Assert.Equal("Unable to connect\nsecond   line\n", followed.Stdout);
        Assert.Contains("Unable\e[8Gto\e[11Gconnect", raw.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_For_PrintsTheMatchAndExits0()
    {
        var id = await daemon.RunDetachedAsync("quiet");

        var r = await Cli.RunAsync("wait", id, "--for", "bo+t\\w+", "--timeout", "20s");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("booted\n", r.Stdout);
        await EndAsync(id);
    }

    [Fact]
    public async Task Wait_ForSomethingThatNeverAppears_TimesOutWith124()
    {
        var id = await daemon.RunDetachedAsync("quiet");

        var r = await Cli.RunAsync("wait", id, "--for", "never shown", "--timeout", "300ms");

        Assert.Equal(124, r.ExitCode);
        Assert.Contains("(timeout)", r.Stderr, StringComparison.Ordinal);
        await EndAsync(id);
    }

    [Fact]
    public async Task Wait_ForAfterTheSessionEnded_Exits1()
    {
        var id = await daemon.RunDetachedAsync("fail3");

        var r = await Cli.RunAsync("wait", id, "--for", "never shown", "--timeout", "20s");
        var matched = await Cli.RunAsync("wait", id, "--for", "failing now", "--timeout", "20s");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ended (failed, exit 3) before the condition was met", r.Stderr, StringComparison.Ordinal);
        Assert.True(matched.ExitCode == 0, matched.ToString());
    }

    [Fact]
    public async Task Wait_Settle_ReturnsOnceOutputIsQuiet()
    {
        var id = await daemon.RunDetachedAsync("quiet");

        var r = await Cli.RunAsync("wait", id, "--settle", "300ms", "--timeout", "20s", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("settled", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("live", doc.RootElement.GetProperty("session").GetProperty("status").GetString());
        await EndAsync(id);
    }

    [Fact]
    public async Task Wait_NoConditionOrTwo_IsAUsageError()
    {
        var none = await Cli.RunAsync("wait", "0193");
        var two = await Cli.RunAsync("wait", "0193", "--exit", "--settle", "1s");

        Assert.Equal(2, none.ExitCode);
        Assert.Equal(2, two.ExitCode);
        Assert.Contains("exactly one of", two.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitApi_InvalidRegexOrBadFields_Are400InvalidRequest()
    {
        var id = await daemon.RunDetachedAsync("quiet");
        using var http = UnixSocketHttp.Create(Path.Combine(daemon.HomeDir, "coven.sock"));

        foreach (var body in new[] { "{\"for\":\"(unclosed\"}", "{}", "{\"exit\":true,\"for\":\"x\"}", "{\"settleMs\":0}", "{\"exit\":true,\"timeoutMs\":-1}" })
        {
            using var response = await http.PostAsync($"api/v1/sessions/{id}/wait", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body + " → " + text);
            Assert.Contains("\"invalid_request\"", text, StringComparison.Ordinal);
        }

        await EndAsync(id);
    }

    [Fact]
    public async Task WaitApi_CatastrophicPattern_IsBoundedAndRefused()
    {
        var id = await daemon.RunDetachedAsync("quiet");
        await Cli.RunAsync("wait", id, "--for", "booted", "--timeout", "20s");
        Assert.Equal(0, (await Cli.RunAsync("send", id, new string('a', 100) + "!")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--for", "a{100}!", "--timeout", "20s")).ExitCode);
        using var http = UnixSocketHttp.Create(Path.Combine(daemon.HomeDir, "coven.sock"));

        using var response = await http.PostAsync(
            $"api/v1/sessions/{id}/wait",
            new StringContent("{\"for\":\"^(a+)+$\",\"timeoutMs\":20000}", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains("simpler pattern", text, StringComparison.Ordinal);
        await EndAsync(id);
    }

    [Fact]
    public async Task SendSubmit_ProgramWithBracketedPaste_GetsAPasteThenEnter()
    {
        var id = await daemon.RunDetachedAsync("paste");
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--for", "prompt>", "--timeout", "20s")).ExitCode);

        var r = await Cli.RunAsync("send", id, "--submit", "fix the tests");
        var seen = await Cli.RunAsync("wait", id, "--for", "(PASTED|TYPED):.*", "--timeout", "20s");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("(bracketed paste); screen changed", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("PASTED:fix the tests\n", seen.Stdout);
        await EndAsync(id);
    }

    [Fact]
    public async Task SendSubmit_ProgramWithoutBracketedPaste_GetsPlainTextThenEnter()
    {
        var id = await daemon.RunDetachedAsync("plain");
        await Cli.RunAsync("wait", id, "--for", "prompt>", "--timeout", "20s");

        var r = await Cli.RunAsync("send", id, "--submit", "fix the tests", "--json");
        var seen = await Cli.RunAsync("wait", id, "--for", "TYPED:.*", "--timeout", "20s");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.False(doc.RootElement.GetProperty("bracketedPaste").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("screenChanged").GetBoolean());
        Assert.Equal("TYPED:fix the tests\n", seen.Stdout);
        await EndAsync(id);
    }

    [Fact]
    public async Task SendSubmit_EndedSession_FailsAsNotLive()
    {
        var id = await daemon.RunDetachedAsync("fail3");
        await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s");

        var r = await Cli.RunAsync("send", id, "--submit", "too late");

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("(session_not_live)", r.Stderr, StringComparison.Ordinal);
    }

    private async Task EndAsync(string id)
    {
        await Cli.RunAsync("kill", id, "--signal", "KILL", "--grace", "0ms");
        var r = await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s");
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
