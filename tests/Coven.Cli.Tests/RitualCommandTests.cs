using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>Manual rituals (archive, summon, sacrifice) and ritual schedules, end to end.</summary>
public sealed class RitualCommandTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task ArchiveAndSummon_HideAndRestoreTheSession()
    {
        var id = await FinishedSessionAsync();

        var archive = await Cli.RunAsync("archive", id);
        Assert.True(archive.ExitCode == 0, archive.ToString());
        Assert.Equal($"archived {id} (archived)\n", archive.Stdout);
        Assert.DoesNotContain(id, (await Cli.RunAsync("ls", "-q")).Stdout, StringComparison.Ordinal);
        Assert.Contains(id, (await Cli.RunAsync("ls", "-q", "--all")).Stdout, StringComparison.Ordinal);
        Assert.Contains(id, (await Cli.RunAsync("ls", "-q", "--status", "archived")).Stdout, StringComparison.Ordinal);

        var summon = await Cli.RunAsync("summon", id, "--json");
        Assert.True(summon.ExitCode == 0, summon.ToString());
        using var doc = JsonDocument.Parse(summon.Stdout);
        Assert.Equal("finished", doc.RootElement.GetProperty("status").GetString());
        Assert.Contains(id, (await Cli.RunAsync("ls", "-q")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_LiveSession_ExitsFiveWithAllowedActions()
    {
        var id = await daemon.RunDetachedAsync("echo");

        var r = await Cli.RunAsync("archive", id);

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("(invalid_transition)", r.Stderr, StringComparison.Ordinal);
        await Cli.RunAsync("kill", id, "--signal", "KILL");
    }

    [Fact]
    public async Task Sacrifice_WithoutYesAndNoTerminal_RefusesWithExitTwo()
    {
        var id = await FinishedSessionAsync();

        var r = await Cli.RunAsync("sacrifice", id);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("refusing to sacrifice", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await Cli.RunAsync("show", id)).ExitCode);
    }

    [Fact]
    public async Task Sacrifice_WithYes_DeletesTheSession()
    {
        var id = await FinishedSessionAsync();

        var r = await Cli.RunAsync("sacrifice", id, "--yes");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches($@"^sacrificed {id} \(\d+ events deleted\)\n$", r.Stdout);
        Assert.Equal(4, (await Cli.RunAsync("show", id)).ExitCode);
    }

    [Fact]
    public async Task Schedules_AddListRunRemove()
    {
        var id = await FinishedSessionAsync();

        var add = await Cli.RunAsync("rituals", "add", "archive", "--status", "finished", "--older-than", "1ms", "--every", "1h", "--root", daemon.ProjectDir);
        Assert.True(add.ExitCode == 0, add.ToString());
        var scheduleId = add.Stdout.Trim();
        Assert.NotEmpty(scheduleId);

        var list = await Cli.RunAsync("rituals", "list");
        Assert.Matches($@"(?m)^{scheduleId} +archive +1h +status=finished older-than=1ms root=.* +yes +never +\S+$", list.Stdout);
        var listJson = await Cli.RunAsync("rituals", "list", "--json");
        using (var doc = JsonDocument.Parse(listJson.Stdout))
        {
            Assert.Contains(doc.RootElement.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("id").GetString() == scheduleId);
        }

        var run = await Cli.RunAsync("rituals", "run", scheduleId);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(id, run.Stdout.Split('\n'));
        var record = await daemon.ShowAsync(id);
        Assert.Equal("archived", record.GetProperty("status").GetString());

        var remove = await Cli.RunAsync("rituals", "remove", scheduleId);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.DoesNotContain(scheduleId, (await Cli.RunAsync("rituals", "list")).Stdout, StringComparison.Ordinal);

        var missing = await Cli.RunAsync("rituals", "run", scheduleId);
        Assert.Equal(4, missing.ExitCode);
    }

    [Fact]
    public async Task Schedules_BadSelector_IsRejectedByTheDaemon()
    {
        var r = await Cli.RunAsync("rituals", "add", "sacrifice", "--status", "live", "--every", "1h");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Matches(@"^coven: .*\((invalid_request|usage)\)\n", r.Stderr);
    }

    private async Task<string> FinishedSessionAsync()
    {
        var id = (await Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir], stdin: null)).Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        return id;
    }
}
