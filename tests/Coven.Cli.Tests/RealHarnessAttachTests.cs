using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// <c>coven attach</c> to the real Codex CLI (at its welcome screen: no model endpoint needed) inside tmux: after
/// attach, tmux's pane flags must show what Codex's screen model says it enabled, the repaint must be in colour, and
/// after detach the pane must be as before; the same again after a re-attach.
/// </summary>
public sealed class RealHarnessAttachTests(TerminalDaemonFixture daemon) : IClassFixture<TerminalDaemonFixture>, IDisposable
{
    private readonly TmuxPane _pane = new();

    [Fact]
    public async Task Codex_AttachDetachReattach_TerminalFollowsTheProgramsModesAndIsRestored()
    {
        RealHarnessDaemon.RequireTool("codex");
        var id = await daemon.RunDetachedAsync("codex", "fix tests");
        var welcome = await daemon.Cli.RunAsync("wait", id, "--for", "Welcome to Codex", "--timeout", "15s");
        Assert.True(welcome.ExitCode == 0, "no welcome screen: " + welcome + "\n" + (await daemon.Cli.RunAsync("screen", id)).Stdout);

        await _pane.StartAsync(daemon.Cli.EnvironmentPairs(), "sh");
        await _pane.TmuxAsync("send-keys", "-t", "t", "printf 'BEFORE-ATTACH\\n'", "Enter");
        await _pane.WaitForScreenAsync("BEFORE-ATTACH\n");
        for (var round = 1; round <= 2; round++)
        {
            await _pane.TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id}", "Enter");
            await _pane.WaitForScreenAsync("Welcome to Codex");

            // The pane must have what the session's screen model has (read after the attach's resize settled).
            var expected = string.Empty;
            var matched = await Eventually.TrueAsync(
                async () => (expected = await ExpectedPaneModesAsync(id)) == await _pane.ModesAsync(),
                TimeSpan.FromSeconds(20),
                TimeSpan.FromMilliseconds(100));
            Assert.True(matched, $"pane modes {await _pane.ModesAsync()}, the session's screen says {expected}");

            var ansi = (await daemon.Cli.RunAsync("screen", id, "--ansi")).Stdout;
            var pane = await _pane.TmuxAsync("capture-pane", "-p", "-e", "-t", "t");
            Assert.Contains("\e[0;", ansi, StringComparison.Ordinal);
            Assert.Matches(@"\e\[[0-9;]*[1-9][0-9;]*m", pane);
            Assert.DoesNotContain("BEFORE-ATTACH", pane, StringComparison.Ordinal);

            await _pane.TmuxAsync("send-keys", "-t", "t", "C-]");
            await _pane.WaitForScreenAsync($"[detached from session {id}]");
            Assert.Equal(TmuxPane.DefaultModes, await _pane.ModesAsync());
            var after = await _pane.TmuxAsync("capture-pane", "-p", "-t", "t");
            Assert.Contains("BEFORE-ATTACH", after, StringComparison.Ordinal);
            Assert.DoesNotContain("Welcome to Codex", after, StringComparison.Ordinal);
            await _pane.TmuxAsync("send-keys", "-t", "t", "clear; printf 'BEFORE-ATTACH\\n'", "Enter");
            await _pane.WaitForScreenAsync("BEFORE-ATTACH\n$");
        }

        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    public void Dispose() => _pane.Dispose();

    /// <summary>The session's modes in <see cref="TmuxPane.ModesFormat"/> form, as the attached pane must show them (always on its alternate screen).</summary>
    private async Task<string> ExpectedPaneModesAsync(string id)
    {
        var r = await daemon.Cli.RunAsync("screen", id, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var m = doc.RootElement.GetProperty("modes");
        var mouse = m.GetProperty("mouseTracking").GetInt32() switch
        {
            1000 => "100",
            1002 => "010",
            1003 => "001",
            _ => "000",
        };
        string Flag(string name) => m.GetProperty(name).GetBoolean() ? "1" : "0";
        return $"alt=1 mouse={mouse} sgr={(m.GetProperty("mouseEncoding").GetInt32() == 1006 ? 1 : 0)} ckeys={Flag("applicationCursorKeys")} "
            + $"keypad={Flag("applicationKeypad")} cursor={Flag("cursorVisible")} wrap={Flag("autoWrap")} origin={Flag("originMode")} "
            + $"region={m.GetProperty("scrollTop").GetInt32()}-{m.GetProperty("scrollBottom").GetInt32()}";
    }
}
