using System.Diagnostics;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// `coven attach` in a real terminal: tmux runs a shell in a 100x30 pane, the test types into it and reads the
/// screen back. Checks the echo round trip, the detach key, that the session survives a detach, and that the
/// terminal is back in cooked mode (stty shows icanon and echo) after detaching and after the session ends.
/// </summary>
public sealed class AttachTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>, IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly TempDir _tmux = new();

    private string Socket => _tmux.Combine("tmux.sock");

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

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("tmux", ["-S", Socket, "kill-server"]) { RedirectStandardError = true, RedirectStandardOutput = true });
            p?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        _tmux.Dispose();
    }

    private async Task StartPaneAsync()
    {
        var args = new List<string> { "new-session", "-d", "-s", "t", "-x", "100", "-y", "30" };
        foreach (var pair in daemon.Cli.EnvironmentPairs())
        {
            args.Add("-e");
            args.Add(pair);
        }

        args.Add("env -u TMUX PS1='$ ' bash --norc --noprofile");
        await TmuxAsync([.. args]);
    }

    private async Task<string> WaitForScreenAsync(string text)
    {
        var screen = string.Empty;
        var found = await Eventually.TrueAsync(
            async () =>
            {
                screen = await TmuxAsync("capture-pane", "-p", "-t", "t");
                return screen.Contains(text, StringComparison.Ordinal);
            },
            s_wait,
            TimeSpan.FromMilliseconds(50));
        Assert.True(found, $"'{text}' never appeared on the screen:\n{screen}");
        return screen;
    }

    private async Task<string> TmuxAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux", ["-S", Socket, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment.Remove("TMUX");
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"tmux {string.Join(' ', args)} failed: {error}");
        return output;
    }
}
