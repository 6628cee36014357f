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
}
