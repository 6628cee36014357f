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
        var r = await Cli.RunAsync("rituals", "add", "sacrifice", "--status", "live", "--every", "1h", "--yes");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Matches(@"^coven: .*\((invalid_request|usage)\)\n", r.Stderr);
    }

    [Fact]
    public async Task AddDefaults_InstallsShippedSchedulesOnce()
    {
        var first = await Cli.RunAsync("rituals", "add", "--defaults");
        var second = await Cli.RunAsync("rituals", "add", "--defaults", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("default-archive-ended", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("default-sacrifice-archived", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(second.Stdout);
        var ids = doc.RootElement.GetProperty("schedules").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(1, ids.Count(i => i == "default-archive-ended"));
        Assert.Equal(1, ids.Count(i => i == "default-sacrifice-archived"));
        var removed = await Cli.RunAsync("rituals", "remove", "default-archive-ended");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(0, (await Cli.RunAsync("rituals", "remove", "default-sacrifice-archived")).ExitCode);
    }

    [Fact]
    public async Task SacrificeSchedules_NeedASelectorAndConfirmation_AndRunShowsWhatItDeletes()
    {
        var noSelector = await Cli.RunAsync("rituals", "add", "sacrifice", "--every", "1h", "--yes");
        Assert.Equal(2, noSelector.ExitCode);
        Assert.Contains("needs a selector", noSelector.Stderr, StringComparison.Ordinal);

        var root = Path.Combine(daemon.ProjectDir, "doomed-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(root);
        var id = (await Cli.RunAsync(["run", "quick", "--detach", "--root", root], stdin: null)).Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");

        var unconfirmed = await Cli.RunAsync("rituals", "add", "sacrifice", "--status", "finished", "--root", root, "--every", "1h");
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("(confirmation_required)", unconfirmed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sacrifice", (await Cli.RunAsync("rituals", "list", "--json")).Stdout, StringComparison.Ordinal);

        var added = await Cli.RunAsync("rituals", "add", "sacrifice", "--status", "finished", "--root", root, "--every", "1h", "--yes");
        Assert.True(added.ExitCode == 0, added.ToString());
        var scheduleId = added.Stdout.Trim();
        try
        {
            var dry = await Cli.RunAsync("rituals", "run", scheduleId, "--dry-run");
            Assert.True(dry.ExitCode == 0, dry.ToString());
            Assert.Equal(id + "\n", dry.Stdout);
            Assert.Contains("1 session(s) would be affected", dry.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, (await Cli.RunAsync("show", id)).ExitCode);

            var refused = await Cli.RunAsync("rituals", "run", scheduleId);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains(id, refused.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, (await Cli.RunAsync("show", id)).ExitCode);

            var ran = await Cli.RunAsync("rituals", "run", scheduleId, "--yes");
            Assert.True(ran.ExitCode == 0, ran.ToString());
            Assert.Equal(id + "\n", ran.Stdout);
            Assert.Equal(4, (await Cli.RunAsync("show", id)).ExitCode);
        }
        finally
        {
            await Cli.RunAsync("rituals", "remove", scheduleId);
        }
    }

    private async Task<string> FinishedSessionAsync()
    {
        var id = (await Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir], stdin: null)).Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        return id;
    }
}
