using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>`coven daemon ...` and auto-start against a real covend, each test on its own COVEN_HOME.</summary>
public sealed class DaemonCommandTests
{
    [Fact]
    public async Task Daemon_StartStatusStop_RoundTrip()
    {
        using var dir = new TempDir();
        var cli = new CovenCli(dir.Combine("h"));
        try
        {
            var before = await cli.RunAsync("daemon", "status");
            Assert.True(before.ExitCode == 3, before.ToString());

            var start = await cli.RunAsync("daemon", "start");
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Matches(@"^started daemon \(pid \d+\) on /tmp/cvn-.*/coven\.sock\n$", start.Stdout);

            var again = await cli.RunAsync("daemon", "start");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.StartsWith("daemon already running (pid ", again.Stdout, StringComparison.Ordinal);

            var status = await cli.RunAsync("daemon", "status");
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Matches(@"status +running\npid +\d+\n", status.Stdout);

            var json = await cli.RunAsync("daemon", "status", "--json");
            using (var doc = JsonDocument.Parse(json.Stdout))
            {
                Assert.Equal("coven.daemon.v1", doc.RootElement.GetProperty("apiVersion").GetString());
                Assert.True(doc.RootElement.GetProperty("capabilities").GetProperty("sessions").GetBoolean());
            }

            var stop = await cli.RunAsync("daemon", "stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Matches(@"^stopped daemon \(pid \d+\)\n$", stop.Stdout);

            var after = await cli.RunAsync("daemon", "status");
            Assert.Equal(3, after.ExitCode);
        }
        finally
        {
            await cli.RunAsync("daemon", "stop");
        }
    }

    [Fact]
    public async Task Daemon_Restart_GivesANewPid()
    {
        using var dir = new TempDir();
        var cli = new CovenCli(dir.Combine("h"));
        try
        {
            Assert.Equal(0, (await cli.RunAsync("daemon", "start")).ExitCode);
            var pid1 = Pid(await cli.RunAsync("daemon", "status", "--json"));

            var restart = await cli.RunAsync("daemon", "restart");

            Assert.True(restart.ExitCode == 0, restart.ToString());
            var pid2 = Pid(await cli.RunAsync("daemon", "status", "--json"));
            Assert.NotEqual(pid1, pid2);
            Assert.Contains($"restarted daemon (pid {pid1} -> {pid2})", restart.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await cli.RunAsync("daemon", "stop");
        }
    }

    [Fact]
    public async Task AnyCommand_DaemonNotRunning_StartsItAndSaysSo()
    {
        using var dir = new TempDir();
        var cli = new CovenCli(dir.Combine("h"));
        try
        {
            var ls = await cli.RunAsync("sessions");

            Assert.True(ls.ExitCode == 0, ls.ToString());
            Assert.Matches(@"^coven: started daemon \(pid \d+\)\n", ls.Stderr);

            var second = await cli.RunAsync("sessions");
            Assert.DoesNotContain("started daemon", second.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await cli.RunAsync("daemon", "stop");
        }
    }

    [Fact]
    public async Task AnyCommand_DaemonCannotStart_ExitsThree()
    {
        using var dir = new TempDir();
        var cli = new CovenCli(dir.Combine("h"));
        cli.Environment["COVEN_DAEMON_PATH"] = dir.Combine("missing-covend");

        var r = await cli.RunAsync("sessions", "--json");

        Assert.Equal(3, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Matches(@"^coven: cannot start the daemon: .*missing-covend does not exist .*\(daemon_unreachable\)\n$", r.Stderr);
    }

    [Fact]
    public async Task AnyCommand_DaemonExitsAtStart_ExitsThreeAndPointsAtTheLog()
    {
        using var dir = new TempDir();
        var fake = new FakeHarness(dir.Combine("bin")).Write("bad-covend", "echo 'covend: broken on purpose' >&2\nexit 7");
        var cli = new CovenCli(dir.Combine("h"));
        cli.Environment["COVEN_DAEMON_PATH"] = fake;

        var r = await cli.RunAsync("show", "abc");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("covend exited during start-up (exit code 7)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("covend: broken on purpose", await File.ReadAllTextAsync(dir.Combine("h", "logs", "covend.console.log")));
    }

    [Fact]
    public async Task AnyCommand_NoAutostart_ExitsThreeWithoutStarting()
    {
        using var dir = new TempDir();
        var cli = new CovenCli(dir.Combine("h"));
        cli.Environment["COVEN_NO_AUTOSTART"] = "1";

        var r = await cli.RunAsync("sessions");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("(daemon_unreachable)", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("h", "coven.sock")));
    }

    [Fact]
    public async Task DaemonLogs_AfterStart_PrintsTheDaemonLog()
    {
        using var dir = new TempDir();
        var cli = new CovenCli(dir.Combine("h"));
        try
        {
            Assert.Equal(0, (await cli.RunAsync("daemon", "start")).ExitCode);

            var logs = await cli.RunAsync("daemon", "logs");

            Assert.True(logs.ExitCode == 0, logs.ToString());
            Assert.Contains("covend", logs.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await cli.RunAsync("daemon", "stop");
        }
    }

    private static int Pid(CliResult status)
    {
        using var doc = JsonDocument.Parse(status.Stdout);
        return doc.RootElement.GetProperty("daemon").GetProperty("pid").GetInt32();
    }
}
