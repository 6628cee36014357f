using System.Diagnostics;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// A real terminal for the attach tests: a private tmux server (own socket in a temp folder) with one 100x30 pane
/// "t" running a shell with the CLI's environment. The test types with send-keys and reads back the screen and
/// tmux's pane mode flags. Kills its server on dispose.
/// </summary>
internal sealed class TmuxPane : IDisposable
{
    /// <summary>tmux's pane flags for the modes it can report (tmux 3.3a FORMATS).</summary>
    public const string ModesFormat = "alt=#{alternate_on} mouse=#{mouse_standard_flag}#{mouse_button_flag}#{mouse_all_flag} sgr=#{mouse_sgr_flag} ckeys=#{keypad_cursor_flag} keypad=#{keypad_flag} cursor=#{cursor_flag} wrap=#{wrap_flag} origin=#{origin_flag} region=#{scroll_region_upper}-#{scroll_region_lower}";

    /// <summary><see cref="ModesFormat"/> of a terminal no program has changed.</summary>
    public const string DefaultModes = "alt=0 mouse=000 sgr=0 ckeys=0 keypad=0 cursor=1 wrap=1 origin=0 region=0-29";

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly TempDir _dir = new();

    private string Socket => _dir.Combine("tmux.sock");

    public string Combine(string name) => _dir.Combine(name);

    public async Task StartAsync(IEnumerable<string> environment, string shell)
    {
        var args = new List<string> { "new-session", "-d", "-s", "t", "-x", "100", "-y", "30" };
        foreach (var pair in environment)
        {
            args.Add("-e");
            args.Add(pair);
        }

        args.Add("env -u TMUX PS1='$ ' " + shell);
        await TmuxAsync([.. args]);
    }

    public async Task<string> WaitForScreenAsync(string text, TimeSpan? timeout = null)
    {
        var screen = string.Empty;
        var found = await Eventually.TrueAsync(
            async () =>
            {
                screen = await TmuxAsync("capture-pane", "-p", "-t", "t");
                return screen.Contains(text, StringComparison.Ordinal);
            },
            timeout ?? s_wait,
            TimeSpan.FromMilliseconds(50));
        Assert.True(found, $"'{text}' never appeared on the screen:\n{screen}");
        return screen;
    }

    public async Task<string> ModesAsync() => (await TmuxAsync("display", "-p", "-t", "t", ModesFormat)).Trim();

    public async Task WaitForModesAsync(string expected)
    {
        var last = string.Empty;
        var ok = await Eventually.TrueAsync(async () => (last = await ModesAsync()) == expected, s_wait, TimeSpan.FromMilliseconds(50));
        Assert.True(ok, $"pane modes: {last}, expected {expected}");
    }

    public async Task<string> TmuxAsync(params string[] args)
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

        _dir.Dispose();
    }
}
