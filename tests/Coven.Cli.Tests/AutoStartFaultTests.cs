using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>Issue 12 items 4 and 7 from the CLI's side: racing auto-starts, and a store covend refuses.</summary>
public sealed class AutoStartFaultTests
{
    [Fact]
    public async Task ParallelCommands_AgainstAHomeWithoutADaemon_AllSucceed_OneDaemon()
    {
        for (var round = 0; round < 5; round++)
        {
            using var dir = new TempDir();
            var home = dir.Combine("h");
            var cli = new CovenCli(home);
            try
            {
                var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => cli.RunAsync("ls")));
                foreach (var r in results)
                {
                    Assert.True(r.ExitCode == 0, $"round {round}: {r}");
                }

                var daemons = CovendPidsFor(home);
                Assert.True(daemons.Count == 1, $"round {round}: {daemons.Count} covend processes for {home}");
            }
            finally
            {
                await cli.RunAsync("daemon", "stop");
            }
        }
    }

    [Fact]
    public async Task UnusableStore_IsReportedByAutoStartAndDoctor()
    {
        using var dir = new TempDir();
        var home = dir.Combine("h");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "coven.db"), "these are my notes, not a database\n");
        var cli = new CovenCli(home);

        var ls = await cli.RunAsync("ls");
        Assert.True(ls.ExitCode == 3, ls.ToString());
        Assert.Contains("is unusable: it is not a SQLite database", ls.Stderr, StringComparison.Ordinal);

        var doctor = await cli.RunAsync("doctor");
        Assert.True(doctor.ExitCode == 1, doctor.ToString());
        Assert.Matches(@"\[FAIL\] store +covend: the store .*coven\.db is unusable: it is not a SQLite database", doctor.Stdout);
        Assert.Equal("these are my notes, not a database\n", File.ReadAllText(Path.Combine(home, "coven.db")));
    }

    private static List<int> CovendPidsFor(string home)
    {
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                var argv = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0');
                if (argv.Length > 2 && Path.GetFileName(argv[0]) == "covend" && argv.Contains(home) && !File.ReadAllText(Path.Combine(entry, "stat")).Contains(") Z", StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }
}
