using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// The destructive scheduled prunes: prune-worktrees (worktrees of ended sessions by age, unmerged work and dirty
/// trees kept unless force) and prune-store (retention.json's bounds), each with a required selector where one
/// applies, a dry run that changes nothing and a confirmation. Real git repositories, a real daemon (its own, as
/// the test writes retention.json).
/// </summary>
public sealed class PruneRitualTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task PruneWorktreesRitual_NeedsAnAge_DryRunChangesNothing_RemovesCleanEndedOnes_KeepsUnmergedBranchAndDirtyTree()
    {
        var noAge = await Cli.RunAsync(["rituals", "add", "prune-worktrees", "--every", "1h", "--yes"], stdin: null);
        Assert.Equal(2, noAge.ExitCode);
        Assert.Contains("needs --older-than", noAge.Stderr, StringComparison.Ordinal);

        var repo = GitRepo.InitWithCommit(Path.Combine(daemon.ProjectDir, "ritual-wt"));
        var clean = await RunWorktreeAsync(repo, "clean");
        var dirty = await RunWorktreeAsync(repo, "dirty");
        var cleanPath = (await daemon.ShowAsync(clean)).GetProperty("worktree").GetProperty("path").GetString()!;
        var dirtyPath = (await daemon.ShowAsync(dirty)).GetProperty("worktree").GetProperty("path").GetString()!;
        var cleanBranch = (await daemon.ShowAsync(clean)).GetProperty("worktree").GetProperty("branch").GetString()!;
        GitRepo.Run(cleanPath, "add", "-A");
        GitRepo.Run(cleanPath, "commit", "-q", "-m", "session work");

        var unconfirmed = await Cli.RunAsync(["rituals", "add", "prune-worktrees", "--older-than", "0s", "--every", "1h"], stdin: null);
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("confirmation_required", unconfirmed.Stderr, StringComparison.Ordinal);

        var add = await Cli.RunAsync(["rituals", "add", "prune-worktrees", "--older-than", "0s", "--root", repo, "--every", "1h", "--yes"], stdin: null);
        Assert.True(add.ExitCode == 0, add.ToString());
        var schedule = add.Stdout.Trim();

        var dry = Affected(await Cli.RunAsync("rituals", "run", schedule, "--dry-run", "--json"));
        Assert.Equal([clean], dry);
        Assert.True(Directory.Exists(cleanPath), "the dry run removed a worktree");

        var refused = await Cli.RunAsync(["rituals", "run", schedule], stdin: null);
        Assert.Equal(2, refused.ExitCode);
        Assert.True(Directory.Exists(cleanPath));

        var ran = Affected(await Cli.RunAsync("rituals", "run", schedule, "--yes", "--json"));
        Assert.Equal([clean], ran);
        Assert.False(Directory.Exists(cleanPath));
        Assert.Equal("clean\n", GitRepo.Run(repo, "show", cleanBranch + ":note.txt"));
        Assert.Equal("dirty\n", File.ReadAllText(Path.Combine(dirtyPath, "note.txt")));
        Assert.Equal(string.Empty, GitRepo.Run(repo, "status", "--porcelain"));
    }

    [Fact]
    public async Task PruneStoreRitual_TakesNoSelector_DryRunThenPrunesWhatRetentionJsonBounds()
    {
        var selector = await Cli.RunAsync(["rituals", "add", "prune-store", "--status", "finished", "--every", "1h", "--yes"], stdin: null);
        Assert.Equal(2, selector.ExitCode);
        Assert.Contains("takes no selector", selector.Stderr, StringComparison.Ordinal);

        var id = await daemon.RunDetachedAsync("quick", "a prompt long enough to print more than eight bytes");
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        await File.WriteAllTextAsync(Path.Combine(daemon.HomeDir, "retention.json"), """{"maxSessionOutputBytes": 8, "intervalMinutes": 0}""");
        try
        {
            var add = await Cli.RunAsync(["rituals", "add", "prune-store", "--every", "6h", "--yes"], stdin: null);
            Assert.True(add.ExitCode == 0, add.ToString());
            var schedule = add.Stdout.Trim();

            Assert.Contains(id, Affected(await Cli.RunAsync("rituals", "run", schedule, "--dry-run", "--json")));
            Assert.Contains("red and plain", (await Cli.RunAsync("logs", id)).Stdout, StringComparison.Ordinal);

            Assert.Contains(id, Affected(await Cli.RunAsync("rituals", "run", schedule, "--yes", "--json")));
            Assert.DoesNotContain(id, Affected(await Cli.RunAsync("rituals", "run", schedule, "--dry-run", "--json")));
            Assert.Contains("output pruned (session-cap", (await Cli.RunAsync("logs", id)).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(Path.Combine(daemon.HomeDir, "retention.json"));
        }
    }

    private static string[] Affected(CliResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        return [.. doc.RootElement.GetProperty("affected").EnumerateArray().Select(e => e.GetString()!)];
    }

    private async Task<string> RunWorktreeAsync(string repo, string content)
    {
        var r = await Cli.RunAsync(["run", "writer", content, "--worktree", "--detach", "--root", repo], stdin: null);
        Assert.True(r.ExitCode == 0, r.ToString());
        var id = r.Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        return id;
    }
}
