using System.Diagnostics;
using System.Text;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// Activity in the CLI (docs/attention.md) end to end: coven → covend → coven-lane → a fake harness with no native
/// signals, which the lane's fallback sees go idle once its output is quiet.
/// </summary>
public sealed class ActivityCommandTests(TerminalDaemonFixture daemon) : IClassFixture<TerminalDaemonFixture>
{
    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task WaitActivity_LsFilterAndShow_SeeTheFallbackIdle()
    {
        var id = await daemon.RunDetachedAsync("quiet");

        var idle = await Cli.RunAsync("wait", id, "--activity", "idle", "--timeout", "30s");
        Assert.True(idle.ExitCode == 0, idle.ToString());
        Assert.Equal("idle\n", idle.Stdout);

        var listed = await Cli.RunAsync("ls", "--activity", "idle", "-q");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(id, listed.Stdout, StringComparison.Ordinal);
        var waiting = await Cli.RunAsync("ls", "--activity", "waiting", "-q");
        Assert.DoesNotContain(id, waiting.Stdout, StringComparison.Ordinal);
        var table = await Cli.RunAsync("ls");
        Assert.Contains("ACTIVITY", table.Stdout, StringComparison.Ordinal);

        var show = await Cli.RunAsync("show", id);
        Assert.Matches(@"activity\s+idle since \S+ \(no output for \d+ ms\)", show.Stdout);

        var timedOut = await Cli.RunAsync("wait", id, "--activity", "waiting", "--timeout", "1s");
        Assert.Equal(124, timedOut.ExitCode);

        var bad = await Cli.RunAsync("ls", "--activity", "sleepy");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown activity 'sleepy'", bad.Stderr, StringComparison.Ordinal);

        await Cli.RunAsync("kill", id, "--signal", "KILL", "--grace", "0ms");
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s")).ExitCode);
    }

    [Fact]
    public async Task WaitAny_ReturnsTheFirstSessionThatNeedsYou_TimesOutOrFindsNone()
    {
        var none = await Cli.RunAsync("wait", "--any", "--harness", "quiet", "--timeout", "5s");
        Assert.True(none.ExitCode == 1, none.ToString());
        Assert.Contains("no live session", none.Stderr, StringComparison.Ordinal);

        var id = await daemon.RunDetachedAsync("quiet");
        var found = await Cli.RunAsync("wait", "--any", "--activity", "idle", "--harness", "quiet", "--timeout", "30s");
        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Equal(id + "\n", found.Stdout);

        var timedOut = await Cli.RunAsync("wait", "--any", "--activity", "waiting", "--harness", "quiet", "--timeout", "1s");
        Assert.True(timedOut.ExitCode == 124, timedOut.ToString());

        var both = await Cli.RunAsync("wait", id, "--any");
        Assert.Equal(2, both.ExitCode);

        await Cli.RunAsync("kill", id, "--signal", "KILL", "--grace", "0ms");
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s")).ExitCode);
    }

    [Fact]
    public async Task LsWatch_ShowsTheActivityChange()
    {
        var title = "watched-" + Guid.NewGuid().ToString("N")[..8];
        using var watch = Cli.Start(["ls", "--watch", "--interval", "100ms", "--no-trunc"]);
        var stdout = new StringBuilder();
        watch.OutputDataReceived += (_, e) => { lock (stdout) { stdout.Append(e.Data).Append('\n'); } };
        watch.BeginOutputReadLine();
        List<string> Rows() { lock (stdout) { return [.. stdout.ToString().Split('\n').Where(l => l.Contains(title, StringComparison.Ordinal))]; } }

        var run = await Cli.RunAsync("run", "quiet", "--detach", "--title", title, "--root", daemon.ProjectDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        var wait = TimeSpan.FromSeconds(30);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Rows().Any(r => r.Contains(" idle ", StringComparison.Ordinal))), wait), string.Join("\n", Rows()));
        var rows = Rows();
        Assert.DoesNotContain(" idle ", rows[0], StringComparison.Ordinal);

        using (var kill = Process.Start("kill", ["-INT", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await watch.WaitForExitAsync();
        await Cli.RunAsync("kill", id, "--signal", "KILL", "--grace", "0ms");
        Assert.Equal(0, (await Cli.RunAsync("wait", id, "--exit", "--timeout", "20s")).ExitCode);
    }
}
