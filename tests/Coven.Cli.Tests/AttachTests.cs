using System.Diagnostics;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// `coven attach` in a real terminal: tmux runs a shell in a 100x30 pane, the test types into it and reads the
/// screen back. Checks the echo round trip, the detach key, that the session survives a detach, and that the
/// terminal is back in cooked mode (stty shows icanon and echo) after detaching and after the session ends; that
/// attach sets up the modes the program enabled (read back from tmux's pane flags and by pasting through tmux, which
/// brackets a paste only when the pane asked for it), repaints in colour, keeps the user's screen, survives a
/// daemon killed with SIGKILL and delivers a paste far over the daemon's input limit whole.
/// </summary>
public sealed class AttachTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>, IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private const string DefaultModes = TmuxPane.DefaultModes;

    /// <summary>
    /// Draws in colour on the main screen, enables bracketed paste, button-event mouse tracking with SGR encoding,
    /// focus events, application cursor keys and keypad, a hidden underline cursor, then records every byte it reads
    /// (raw mode) as hex in the file named by its argument. 'A' switches to the alternate screen, 'B' back, 'R' sets a
    /// scroll region (after attach: attaching resizes the session, and a resize resets the region, in tmux as in the model).
    /// </summary>
    private const string ModesHarness = """
        printf '\033[31mRED-TEXT\033[0m \033[1;32mGREEN-TEXT\033[0m\r\n'
        printf '\033[?2004h\033[?1002h\033[?1006h\033[?1004h\033[?1h\033=\033[?25l\033[4 q\033[25;1H'
        printf 'modes-ready'
        stty raw -echo
        : > "$1"
        while :; do
          hex=$(dd bs=65536 count=1 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
          [ -n "$hex" ] || exit 0
          printf '%s' "$hex" >> "$1"
          case "$hex" in
            41) printf '\033[?1049h\033[HALT-SCREEN' ;;
            42) printf '\033[?1049l' ;;
            52) printf '\033[2;20r\033[25;12H' ;;
          esac
        done
        """;

    private readonly TmuxPane _pane = new();

    [Fact]
    public async Task Attach_TypeThenDetach_SessionStaysLiveAndTerminalIsRestored()
    {
        var id = await daemon.RunDetachedAsync("echo");
        await StartPaneAsync();

        await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id[..13]}", "Enter");
        await WaitForScreenAsync("ready");
        await TmuxAsync("send-keys", "-t", "t", "-l", "hello pty");
        await TmuxAsync("send-keys", "-t", "t", "Enter");
        await WaitForScreenAsync("got: hello pty");

        await TmuxAsync("send-keys", "-t", "t", "C-]");
        await WaitForScreenAsync($"[detached from session {id}]");
        await TmuxAsync("send-keys", "-t", "t", "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo END", "Enter");
        var screen = await WaitForScreenAsync("icanon echo END");

        Assert.DoesNotContain("-icanon", screen, StringComparison.Ordinal);
        var record = await daemon.ShowAsync(id);
        Assert.Equal("live", record.GetProperty("status").GetString());
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Attach_SessionEnds_PrintsEndAndExitsWithItsCode()
    {
        var id = await daemon.RunDetachedAsync("echo");
        await StartPaneAsync();

        await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id}; echo \"rc=$?\"", "Enter");
        await WaitForScreenAsync("ready");
        await TmuxAsync("send-keys", "-t", "t", "-l", "exit 4");
        await TmuxAsync("send-keys", "-t", "t", "Enter");

        await WaitForScreenAsync($"[session {id} ended: failed, exit 4]");
        await WaitForScreenAsync("rc=4");
        await TmuxAsync("send-keys", "-t", "t", "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo END", "Enter");
        await WaitForScreenAsync("icanon echo END");
    }

    [Fact]
    public async Task Run_InTerminal_SendsTheTerminalSizeAndDetaches()
    {
        await StartPaneAsync();

        await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} run echo --root {daemon.ProjectDir} --title sized", "Enter");
        await WaitForScreenAsync("ready");
        await TmuxAsync("send-keys", "-t", "t", "C-]");
        var screen = await WaitForScreenAsync("[detached from session ");

        var id = screen[(screen.IndexOf("[detached from session ", StringComparison.Ordinal) + 23)..].Split(']')[0];
        var record = await daemon.ShowAsync(id);
        Assert.Equal("live", record.GetProperty("status").GetString());
        Assert.Equal(100, record.GetProperty("cols").GetInt32());
        Assert.Equal(30, record.GetProperty("rows").GetInt32());
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Attach_Sigterm_RestoresTheTerminalAndExits130()
    {
        var id = await daemon.RunDetachedAsync("echo");
        await StartPaneAsync();
        await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id}; echo \"rc=$?\"", "Enter");
        await WaitForScreenAsync("ready");
        var shellPid = (await TmuxAsync("list-panes", "-t", "t", "-F", "#{pane_pid}")).Trim();
        var covenPid = (await RunAsync("pgrep", "-P", shellPid)).Trim();
        Assert.Matches(@"^\d+$", covenPid);

        await RunAsync("kill", "-TERM", covenPid);

        await WaitForScreenAsync("rc=130");
        await TmuxAsync("send-keys", "-t", "t", "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo END", "Enter");
        await WaitForScreenAsync("icanon echo END");
        Assert.Equal("live", (await daemon.ShowAsync(id)).GetProperty("status").GetString());
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Sacrifice_OnATerminal_AsksAndHonoursYes()
    {
        var id = (await daemon.Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir], stdin: null)).Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        await StartPaneAsync();

        await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} sacrifice {id}", "Enter");
        await WaitForScreenAsync("[y/N]");
        await TmuxAsync("send-keys", "-t", "t", "y", "Enter");

        await WaitForScreenAsync($"sacrificed {id}");
        Assert.Equal(4, (await daemon.Cli.RunAsync("show", id)).ExitCode);
    }

    [Fact]
    public async Task Attach_RestoresModesAndColours_DetachLeavesTheTerminalAsBefore_ReattachRestoresAgain()
    {
        var (id, record) = await StartModesSessionAsync();
        await StartPaneAsync("sh");
        await TmuxAsync("send-keys", "-t", "t", "printf 'BEFORE-ATTACH\\n'", "Enter");
        await WaitForScreenAsync("BEFORE-ATTACH\n");
        Assert.Equal(DefaultModes, await PaneModesAsync());

        for (var round = 0; round < 2; round++)
        {
            await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id}", "Enter");
            await WaitForScreenAsync("modes-ready");
            await WaitForModesAsync($"alt=1 mouse=010 sgr=1 ckeys=1 keypad=1 cursor=0 wrap=1 origin=0 region={(round == 0 ? "0-29" : "1-19")}");

            // The repaint carries the colours, and the user's screen is not painted over.
            var colours = await TmuxAsync("capture-pane", "-p", "-e", "-t", "t");
            Assert.Contains("\e[31mRED-TEXT", colours, StringComparison.Ordinal);
            Assert.Contains("\e[1m\e[32mGREEN-TEXT", colours, StringComparison.Ordinal);
            Assert.DoesNotContain("BEFORE-ATTACH", colours, StringComparison.Ordinal);
            var cursor = (await TmuxAsync("display", "-p", "-t", "t", "#{cursor_y},#{cursor_x}")).Trim();
            Assert.Equal("24,11", cursor);

            // tmux brackets the paste because the pane has mode 2004 on: the program gets one paste.
            var before = (await File.ReadAllTextAsync(record)).Length;
            await TmuxAsync("set-buffer", "-b", "p", "line one\nline two");
            await TmuxAsync("paste-buffer", "-p", "-r", "-b", "p", "-t", "t");
            var pasted = await WaitForRecordAsync(record, before, "\e[200~line one\nline two\e[201~");
            Assert.Equal("\e[200~line one\nline two\e[201~", pasted);
            if (round == 0)
            {
                await TmuxAsync("send-keys", "-t", "t", "R");
                await WaitForModesAsync("alt=1 mouse=010 sgr=1 ckeys=1 keypad=1 cursor=0 wrap=1 origin=0 region=1-19");
            }

            await TmuxAsync("send-keys", "-t", "t", "C-]");
            await WaitForCountAsync($"[detached from session {id}]", round + 1);
            Assert.Equal(DefaultModes, await PaneModesAsync());
            var after = await TmuxAsync("capture-pane", "-p", "-t", "t");
            Assert.Contains("BEFORE-ATTACH", after, StringComparison.Ordinal);
            Assert.DoesNotContain("RED-TEXT", after, StringComparison.Ordinal);
            Assert.DoesNotContain("modes-ready", after, StringComparison.Ordinal);
        }

        // Bracketed paste is off again: the line discipline echoes a paste without markers (ECHOCTL would show ^[[200~).
        await TmuxAsync("set-buffer", "-b", "q", "plain-paste");
        await TmuxAsync("paste-buffer", "-p", "-b", "q", "-t", "t");
        var screen = await WaitForScreenAsync("plain-paste");
        Assert.DoesNotContain("[200~", screen, StringComparison.Ordinal);
        await TmuxAsync("send-keys", "-t", "t", "C-u");
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Attach_ProgramSwitchesScreens_StaysOnTheAlternateScreenAndRepaintsTheMainScreen()
    {
        var (id, _) = await StartModesSessionAsync();
        await StartPaneAsync("sh");
        await TmuxAsync("send-keys", "-t", "t", "printf 'BEFORE-ATTACH\\n'", "Enter");
        await WaitForScreenAsync("BEFORE-ATTACH\n");
        await TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id}", "Enter");
        await WaitForScreenAsync("modes-ready");

        await TmuxAsync("send-keys", "-t", "t", "A");
        var alt = await WaitForScreenAsync("ALT-SCREEN");
        Assert.DoesNotContain("RED-TEXT", alt, StringComparison.Ordinal);
        Assert.StartsWith("alt=1 mouse=010 sgr=1 ckeys=1 keypad=1", await PaneModesAsync(), StringComparison.Ordinal);

        // Leaving the program's alternate screen must not leave the user's terminal's: the main screen is repainted.
        await TmuxAsync("send-keys", "-t", "t", "B");
        var main = await WaitForScreenAsync("RED-TEXT");
        Assert.DoesNotContain("ALT-SCREEN", main, StringComparison.Ordinal);
        Assert.DoesNotContain("BEFORE-ATTACH", main, StringComparison.Ordinal);
        Assert.Equal("alt=1 mouse=010 sgr=1 ckeys=1 keypad=1 cursor=0 wrap=1 origin=0 region=0-29", await PaneModesAsync());

        await TmuxAsync("send-keys", "-t", "t", "A");
        await WaitForScreenAsync("ALT-SCREEN");
        await TmuxAsync("send-keys", "-t", "t", "C-]");
        var after = await WaitForScreenAsync($"[detached from session {id}]");
        Assert.Contains("BEFORE-ATTACH", after, StringComparison.Ordinal);
        Assert.DoesNotContain("ALT-SCREEN", after, StringComparison.Ordinal);
        Assert.Equal(DefaultModes, await PaneModesAsync());
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Attach_PasteOverTheInputLimit_ArrivesWhole()
    {
        var (id, record) = await AttachToModesSessionAsync(string.Empty);

        // ~300 KB (the daemon takes 64 KiB per input request) with multi-byte characters and newlines.
        var text = string.Concat(Enumerable.Range(0, 9000).Select(i => $"line {i:D5} caf\u00e9 \u4e2d\u6587 \U0001F600 end\n"));
        var file = _pane.Combine("paste.txt");
        await File.WriteAllTextAsync(file, text);
        await TmuxAsync("load-buffer", "-b", "big", file);
        await TmuxAsync("paste-buffer", "-p", "-r", "-b", "big", "-t", "t");

        var expected = "\e[200~" + text + "\e[201~";
        var received = await WaitForRecordAsync(record, 0, expected, TimeSpan.FromSeconds(60));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) > 4 * 64 * 1024);
        Assert.Equal(expected.Length, received.Length);
        Assert.Equal(expected, received);
        await TmuxAsync("send-keys", "-t", "t", "C-]");
        await WaitForScreenAsync($"[detached from session {id}]");
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Attach_DaemonKilledAndRestarted_KeystrokesStillReachTheProgram()
    {
        var (id, record) = await AttachToModesSessionAsync(string.Empty);
        await TmuxAsync("send-keys", "-t", "t", "-l", "before");
        await WaitForRecordAsync(record, 0, "before");

        await KillDaemonAsync();

        // Typed while the daemon is down: delivered once it is back (the attach's own reconnect may start it first).
        await TmuxAsync("send-keys", "-t", "t", "-l", "while-down");
        // Started here or by the attach's own reconnect (whichever comes first; the other finds it running or loses the race).
        var start = await daemon.Cli.RunAsync("daemon", "start");
        Assert.True(
            await Eventually.TrueAsync(async () => (await daemon.Cli.RunAsync("daemon", "status")).ExitCode == 0, s_wait, TimeSpan.FromMilliseconds(100)),
            "the daemon did not come back: " + start);
        await TmuxAsync("send-keys", "-t", "t", "-l", "after-restart");

        var received = await WaitForRecordAsync(record, 0, "beforewhile-downafter-restart", TimeSpan.FromSeconds(60));
        Assert.Equal("beforewhile-downafter-restart", received);
        Assert.DoesNotContain("rc=", await TmuxAsync("capture-pane", "-p", "-t", "t"), StringComparison.Ordinal);
        await TmuxAsync("send-keys", "-t", "t", "C-]");
        await WaitForScreenAsync($"[detached from session {id}]");
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Attach_InputCannotBeDelivered_EndsWithAMessageAndNonZeroExit()
    {
        var (id, _) = await AttachToModesSessionAsync("COVEN_NO_AUTOSTART=1 ", "; echo \"rc=$?\"");

        // The daemon goes away for good: no autostart, nobody restarts it. Typing must not go nowhere silently.
        await KillDaemonAsync();
        await TmuxAsync("send-keys", "-t", "t", "-l", "lost");
        var screen = await WaitForScreenAsync("rc=3", TimeSpan.FromSeconds(90));
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(screen.Replace("\n", string.Empty, StringComparison.Ordinal), $@"coven: .*session {id}"), screen);
        Assert.Equal(DefaultModes, await PaneModesAsync());
        await daemon.Cli.RunAsync("daemon", "start");
        await daemon.Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    private async Task<(string Id, string Record)> StartModesSessionAsync()
    {
        daemon.RegisterHarness("modes", ModesHarness);
        var record = _pane.Combine("record.hex");
        var id = await daemon.RunDetachedAsync("modes", record);
        Assert.True(
            await Eventually.TrueAsync(async () => (await daemon.Cli.RunAsync("screen", id)).Stdout.Contains("modes-ready", StringComparison.Ordinal), s_wait, TimeSpan.FromMilliseconds(50)),
            "the harness never got ready");
        return (id, record);
    }

    /// <summary>A modes session, and a shell pane (dash: no line editor that switches bracketed paste itself) attached to it.</summary>
    private async Task<(string Id, string Record)> AttachToModesSessionAsync(string prefix, string suffix = "")
    {
        var (id, record) = await StartModesSessionAsync();
        await StartPaneAsync("sh");
        await TmuxAsync("send-keys", "-t", "t", $"{prefix}{CovenCli.Executable} attach {id}{suffix}", "Enter");
        await WaitForScreenAsync("modes-ready");
        return (id, record);
    }

    /// <summary>SIGKILL to the daemon (its lanes live on), returning once it is gone.</summary>
    private async Task KillDaemonAsync()
    {
        var r = await daemon.Cli.RunAsync("daemon", "status", "--json");
        Assert.True(r.ExitCode == 0, "daemon status failed: " + r);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        var pid = doc.RootElement.GetProperty("daemon").GetProperty("pid").GetInt32();
        await RunAsync("kill", "-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), s_wait, TimeSpan.FromMilliseconds(20)), "the daemon did not die");
    }

    private static string Decode(string hex) => System.Text.Encoding.UTF8.GetString(Convert.FromHexString(hex));

    /// <summary>Waits until the harness has recorded <paramref name="expected"/> (as many bytes) after the first <paramref name="fromHex"/> hex digits; returns what it recorded.</summary>
    private static async Task<string> WaitForRecordAsync(string record, int fromHex, string expected, TimeSpan? timeout = null)
    {
        var want = System.Text.Encoding.UTF8.GetByteCount(expected) * 2;
        var hex = string.Empty;
        var done = await Eventually.TrueAsync(
            async () =>
            {
                hex = (await File.ReadAllTextAsync(record))[fromHex..];
                return hex.Length >= want;
            },
            timeout ?? s_wait,
            TimeSpan.FromMilliseconds(50));
        Assert.True(done, $"the harness recorded {hex.Length / 2} of {want / 2} bytes: {Decode(hex[..(hex.Length & ~1)])[..Math.Min(200, hex.Length / 2)]}");
        return Decode(hex);
    }

    private Task<string> PaneModesAsync() => _pane.ModesAsync();

    private Task WaitForModesAsync(string expected) => _pane.WaitForModesAsync(expected);

    private async Task WaitForCountAsync(string text, int count)
    {
        var screen = string.Empty;
        var ok = await Eventually.TrueAsync(
            async () =>
            {
                screen = await TmuxAsync("capture-pane", "-p", "-t", "t");
                return screen.Split(text).Length - 1 == count;
            },
            s_wait,
            TimeSpan.FromMilliseconds(50));
        Assert.True(ok, $"'{text}' is not on the screen {count} times:\n{screen}");
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        return output;
    }

    public void Dispose() => _pane.Dispose();

    private Task StartPaneAsync(string shell = "bash --norc --noprofile") => _pane.StartAsync(daemon.Cli.EnvironmentPairs(), shell);

    private Task<string> WaitForScreenAsync(string text, TimeSpan? timeout = null) => _pane.WaitForScreenAsync(text, timeout);

    private Task<string> TmuxAsync(params string[] args) => _pane.TmuxAsync(args);
}
