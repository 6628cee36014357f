using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// A git worktree per session, end to end: real git repositories in temp dirs, coven → covend → coven-lane → a fake
/// harness that writes note.txt in its cwd and exits.
/// </summary>
public sealed class WorktreeTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task TwoSessions_SameFile_EachBranchHoldsItsOwn_UserTreeUntouched_MergeFirstRefusesSecond()
    {
        var repo = NewRepo("pair");
        var a = await RunWorktreeAsync(repo, "alpha");
        var b = await RunWorktreeAsync(repo, "beta");
        await daemon.WaitForStatusAsync(a, s_wait, "finished");
        await daemon.WaitForStatusAsync(b, s_wait, "finished");

        var wa = (await daemon.ShowAsync(a)).GetProperty("worktree");
        var wb = (await daemon.ShowAsync(b)).GetProperty("worktree");
        var pathA = wa.GetProperty("path").GetString()!;
        var pathB = wb.GetProperty("path").GetString()!;
        Assert.StartsWith(Path.Combine(daemon.HomeDir, "worktrees") + "/", pathA, StringComparison.Ordinal);
        Assert.NotEqual(pathA, pathB);
        Assert.Equal(repo, wa.GetProperty("repository").GetString());
        Assert.Equal(Git(repo, "rev-parse", "HEAD").Trim(), wa.GetProperty("baseCommit").GetString());
        Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(pathA, "note.txt")));
        Assert.Equal("beta\n", File.ReadAllText(Path.Combine(pathB, "note.txt")));
        Assert.Equal(pathA, (await daemon.ShowAsync(a)).GetProperty("projectRoot").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(pathA));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(pathA)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(daemon.HomeDir, "worktrees")));

        // The user's tree: clean, no note.txt.
        Assert.Equal(string.Empty, Git(repo, "status", "--porcelain"));
        Assert.False(File.Exists(Path.Combine(repo, "note.txt")));

        // diff: exactly the session's change.
        var diff = await Cli.RunAsync("diff", a, "--json");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        using (var doc = JsonDocument.Parse(diff.Stdout))
        {
            Assert.Equal(new[] { "note.txt" }, doc.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray());
            var patch = doc.RootElement.GetProperty("patch").GetString()!;
            Assert.Contains("+alpha", patch, StringComparison.Ordinal);
            Assert.DoesNotContain("beta", patch, StringComparison.Ordinal);
        }

        var handoff = await Cli.RunAsync("handoff", a, "--json");
        Assert.True(handoff.ExitCode == 0, handoff.ToString());
        using (var doc = JsonDocument.Parse(handoff.Stdout))
        {
            var git = doc.RootElement.GetProperty("git");
            Assert.Equal(wa.GetProperty("branch").GetString(), git.GetProperty("branch").GetString());
            Assert.Contains("note.txt | 1 +", git.GetProperty("diffStat").GetString(), StringComparison.Ordinal);
        }

        var stat = await Cli.RunAsync("diff", a, "--stat");
        Assert.True(stat.ExitCode == 0, stat.ToString());
        Assert.Contains("note.txt | 1 +", stat.Stdout, StringComparison.Ordinal);

        // worktrees: both listed with their branches; nothing committed yet, so both are dirty.
        var list = await Cli.RunAsync("worktrees", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var doc = JsonDocument.Parse(list.Stdout))
        {
            var rows = doc.RootElement.GetProperty("worktrees").EnumerateArray().Where(r => r.GetProperty("sessionId").GetString() is var s && (s == a || s == b)).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.True(r.GetProperty("dirty").GetBoolean()));
            Assert.All(rows, r => Assert.StartsWith("coven/", r.GetProperty("worktree").GetProperty("branch").GetString(), StringComparison.Ordinal));
        }

        // merge: the first goes in, the second conflicts on note.txt and leaves the user's tree as it was.
        var first = await Cli.RunAsync("merge", a);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(repo, "note.txt")));
        var headAfterFirst = Git(repo, "rev-parse", "HEAD");
        Assert.Equal("alpha\n", Git(repo, "show", wa.GetProperty("branch").GetString() + ":note.txt"));

        var second = await Cli.RunAsync("merge", b);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("(merge_conflict)", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("conflict: note.txt", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Git(repo, "status", "--porcelain"));
        Assert.Equal(headAfterFirst, Git(repo, "rev-parse", "HEAD"));
        Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(repo, "note.txt")));

        // The refused merge still committed the session's pending change on its own branch.
        Assert.Equal("beta\n", Git(repo, "show", wb.GetProperty("branch").GetString() + ":note.txt"));

        // sacrifice: the worktree goes, the unmerged branch stays; the merged one's branch goes.
        var sb = await Cli.RunAsync("sacrifice", b, "--yes");
        Assert.True(sb.ExitCode == 0, sb.ToString());
        Assert.False(Directory.Exists(pathB));
        Assert.Equal("beta\n", Git(repo, "show", wb.GetProperty("branch").GetString() + ":note.txt"));
        var sa = await Cli.RunAsync("sacrifice", a, "--yes");
        Assert.True(sa.ExitCode == 0, sa.ToString());
        Assert.False(Directory.Exists(pathA));
        Assert.Equal(string.Empty, Git(repo, "branch", "--list", wa.GetProperty("branch").GetString()!));
        Assert.DoesNotContain(pathA, Git(repo, "worktree", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_RefusesWhenTheUserTreeIsDirtyInATouchedPath()
    {
        var repo = NewRepo("dirty");
        var id = await RunWorktreeAsync(repo, "session");
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        File.WriteAllText(Path.Combine(repo, "note.txt"), "mine\n");

        var r = await Cli.RunAsync("merge", id, "--squash");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("(dirty_worktree)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("dirty: note.txt", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("mine\n", File.ReadAllText(Path.Combine(repo, "note.txt")));
    }

    [Fact]
    public async Task Squash_MergesOneCommit()
    {
        var repo = NewRepo("squash");
        var id = await RunWorktreeAsync(repo, "squashed");
        await daemon.WaitForStatusAsync(id, s_wait, "finished");

        var r = await Cli.RunAsync("merge", id, "--squash", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("squashed\n", File.ReadAllText(Path.Combine(repo, "note.txt")));
        Assert.Equal("2", Git(repo, "rev-list", "--count", "HEAD").Trim());
        Assert.Equal(string.Empty, Git(repo, "status", "--porcelain"));
    }

    [Fact]
    public async Task Worktree_NonGitRoot_IsAClearError()
    {
        var plain = Path.Combine(daemon.ProjectDir, "plain");
        Directory.CreateDirectory(plain);

        var r = await Cli.RunAsync(["run", "writer", "x", "--worktree", "--detach", "--root", plain], stdin: null);

        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"^coven: .* \(not_a_git_repository\)\n$", r.Stderr);
    }

    [Fact]
    public async Task Worktree_UnknownBase_IsAClearError_AndDiffOfAPlainSessionIsNoWorktree()
    {
        var repo = NewRepo("base");
        var bad = await Cli.RunAsync(["run", "writer", "x", "--worktree", "--base", "no-such-ref", "--detach", "--root", repo], stdin: null);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("(git_failed)", bad.Stderr, StringComparison.Ordinal);

        var plain = await Cli.RunAsync(["run", "writer", "y", "--detach", "--root", repo], stdin: null);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        var diff = await Cli.RunAsync("diff", plain.Stdout.Trim());
        Assert.Contains("(no_worktree)", diff.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_KeepsRecentSessionsWorktrees_RemovesEndedOnesOlderThan()
    {
        var repo = NewRepo("orphan");
        var id = await RunWorktreeAsync(repo, "orphan");
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        var worktree = (await daemon.ShowAsync(id)).GetProperty("worktree");
        var path = worktree.GetProperty("path").GetString()!;

        // Commit the session's work and make it merged, so pruning may delete everything without --force.
        Git(path, "add", "-A");
        Git(path, "commit", "-q", "-m", "work");
        Git(repo, "merge", "-q", "--ff-only", worktree.GetProperty("branch").GetString()!);
        var kept = await Cli.RunAsync("worktrees", "prune", "--json");
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.True(Directory.Exists(path), "a live session row keeps its worktree");

        var r = await Cli.RunAsync("worktrees", "prune", "--older-than", "0s", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Contains(id, doc.RootElement.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task Familiar_WithWorktreeDefault_RunsInAWorktree_UnlessNoWorktree()
    {
        var repo = NewRepo("familiar");
        var add = await Cli.RunAsync("familiars", "add", "wt-writer", "--harness", "writer", "--worktree", "--json");
        Assert.True(add.ExitCode == 0, add.ToString());
        using (var doc = JsonDocument.Parse(add.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("worktree").GetBoolean());
        }

        var run = await Cli.RunAsync(["run", "wt-writer", "in-worktree", "--detach", "--root", repo], stdin: null);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        var path = (await daemon.ShowAsync(id)).GetProperty("worktree").GetProperty("path").GetString()!;
        Assert.StartsWith(Path.Combine(daemon.HomeDir, "worktrees") + "/", path, StringComparison.Ordinal);
        Assert.Equal("in-worktree\n", File.ReadAllText(Path.Combine(path, "note.txt")));
        Assert.False(File.Exists(Path.Combine(repo, "note.txt")));

        var plain = await Cli.RunAsync(["run", "wt-writer", "in-project", "--no-worktree", "--detach", "--root", repo], stdin: null);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        var plainRecord = await daemon.WaitForStatusAsync(plain.Stdout.Trim(), s_wait, "finished");
        Assert.False(plainRecord.TryGetProperty("worktree", out var none) && none.ValueKind != JsonValueKind.Null, "--no-worktree still made a worktree: " + plainRecord);
        Assert.Equal("in-project\n", File.ReadAllText(Path.Combine(repo, "note.txt")));

        var both = await Cli.RunAsync(["run", "wt-writer", "x", "--worktree", "--no-worktree", "--detach", "--root", repo], stdin: null);
        Assert.Equal(2, both.ExitCode);
    }

    /// <summary>
    /// What a lost or reset store leaves behind: worktree directories under COVEN_HOME/worktrees that no session
    /// names (made here with git itself). doctor names them, a dry run changes nothing, prune removes the clean one
    /// (its branch stays) and keeps the dirty one.
    /// </summary>
    [Fact]
    public async Task UnrecordedWorktrees_FoundByDoctor_PrunedWhenClean_DirtyOnesKept()
    {
        var repo = NewRepo("unrecorded");
        var projectDir = Path.Combine(daemon.HomeDir, "worktrees", "0123456789ab");
        Directory.CreateDirectory(projectDir);
        var clean = Path.Combine(projectDir, "cafe0001");
        var dirty = Path.Combine(projectDir, "cafe0002");
        Git(repo, "worktree", "add", "-q", "-b", "coven/cafe0001", clean);
        Git(repo, "worktree", "add", "-q", "-b", "coven/cafe0002", dirty);
        File.WriteAllText(Path.Combine(clean, "work.txt"), "committed\n");
        Git(clean, "add", "work.txt");
        Git(clean, "commit", "-q", "-m", "work");
        File.WriteAllText(Path.Combine(dirty, "pending.txt"), "not committed\n");

        var doctor = await Cli.RunAsync("doctor", "--json");
        using (var doc = JsonDocument.Parse(doctor.Stdout))
        {
            var check = doc.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "worktrees");
            Assert.Equal("warn", check.GetProperty("status").GetString());
            Assert.Contains(clean, check.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("coven worktrees prune", check.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var list = await Cli.RunAsync("worktrees");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"unrecorded .* " + System.Text.RegularExpressions.Regex.Escape(dirty), list.Stdout);

        var dry = await Cli.RunAsync("worktrees", "prune", "--dry-run", "--json");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        using (var doc = JsonDocument.Parse(dry.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("dryRun").GetBoolean());
            Assert.Contains(clean, doc.RootElement.GetProperty("removedPaths").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.True(Directory.Exists(clean), "a dry run removed a worktree");

        var prune = await Cli.RunAsync("worktrees", "prune", "--json");
        Assert.True(prune.ExitCode == 0, prune.ToString());
        using (var doc = JsonDocument.Parse(prune.Stdout))
        {
            Assert.Equal([clean], doc.RootElement.GetProperty("removedPaths").EnumerateArray().Select(e => e.GetString()!).Where(p => p.StartsWith(projectDir, StringComparison.Ordinal)).ToArray());
            Assert.Contains(doc.RootElement.GetProperty("kept").EnumerateArray(), k => k.GetString()!.StartsWith(dirty + " has uncommitted changes", StringComparison.Ordinal));
        }

        Assert.False(Directory.Exists(clean));
        Assert.Equal("committed\n", Git(repo, "show", "coven/cafe0001:work.txt"));
        Assert.Equal("not committed\n", File.ReadAllText(Path.Combine(dirty, "pending.txt")));
        Assert.DoesNotContain(clean, Git(repo, "worktree", "list"), StringComparison.Ordinal);
        Git(repo, "worktree", "remove", "--force", dirty);
    }

    private async Task<string> RunWorktreeAsync(string repo, string content)
    {
        var r = await Cli.RunAsync(["run", "writer", content, "--worktree", "--detach", "--root", repo], stdin: null);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }

    private string NewRepo(string name) => GitRepo.InitWithCommit(Path.Combine(daemon.ProjectDir, name));

    private static string Git(string dir, params string[] args) => GitRepo.Run(dir, args);
}
