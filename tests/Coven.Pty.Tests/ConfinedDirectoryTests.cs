using Coven.Interop;
using Coven.TestSupport;

namespace Coven.Pty.Tests;

/// <summary>Issue 12 item 1: the working directory is opened beneath the root (openat2 RESOLVE_BENEATH, or the O_NOFOLLOW walk).</summary>
public sealed class ConfinedDirectoryTests
{
    [Fact]
    public void TryOpen_FollowsSymlinksInsideTheRoot_RefusesOnesLeavingIt()
    {
        using var dir = new TempDir();
        var root = dir.Path;
        Directory.CreateDirectory(dir.Combine("a", "b"));
        File.CreateSymbolicLink(dir.Combine("out"), "/etc");
        File.CreateSymbolicLink(dir.Combine("in"), "a");
        File.CreateSymbolicLink(dir.Combine("abs"), dir.Combine("a"));
        File.CreateSymbolicLink(dir.Combine("a", "up"), "../..");

        Assert.True(ConfinedDirectory.TryOpen(root, dir.Combine("a", "b"), out var fd, out var resolved, out _, out var error), error);
        Assert.Equal(dir.Combine("a", "b"), resolved);
        _ = Libc.Close(fd);

        Assert.True(ConfinedDirectory.TryOpen(root, dir.Combine("in"), out fd, out resolved, out _, out error), error);
        Assert.Equal(dir.Combine("a"), resolved);
        _ = Libc.Close(fd);

        // RESOLVE_BENEATH refuses absolute symlinks even when they point back inside (the daemon records the
        // canonical cwd, so only a symlink swapped in after its check can be met here).
        Assert.False(ConfinedDirectory.TryOpen(root, dir.Combine("abs"), out _, out _, out _, out _));
        Assert.False(ConfinedDirectory.TryOpen(root, dir.Combine("out"), out _, out _, out var kind, out error));
        Assert.Equal(PtyErrorKind.WorkingDirectoryOutsideRoot, kind);
        Assert.Contains("outside the project root", error, StringComparison.Ordinal);
        Assert.False(ConfinedDirectory.TryOpen(root, dir.Combine("a", "up"), out _, out _, out kind, out _));
        Assert.Equal(PtyErrorKind.WorkingDirectoryOutsideRoot, kind);
        Assert.False(ConfinedDirectory.TryOpen(root, "/etc", out _, out _, out kind, out _));
        Assert.Equal(PtyErrorKind.WorkingDirectoryOutsideRoot, kind);
    }

    [Fact]
    public void OpenByWalk_RefusesEverySymlink_OpensPlainDirectories()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("a", "b"));
        File.CreateSymbolicLink(dir.Combine("out"), "/etc");
        File.CreateSymbolicLink(dir.Combine("in"), dir.Combine("a"));
        var rootFd = ConfinedDirectory.OpenPath(dir.Path);
        Assert.True(rootFd >= 0);
        try
        {
            var fd = ConfinedDirectory.OpenByWalk(rootFd, "a/b", out _);
            Assert.True(fd >= 0);
            Assert.Equal(dir.Combine("a", "b"), ConfinedDirectory.RealPath(fd));
            _ = Libc.Close(fd);

            Assert.Equal(-1, ConfinedDirectory.OpenByWalk(rootFd, "out", out var errno));
            Assert.NotEqual(0, errno);
            Assert.Equal(-1, ConfinedDirectory.OpenByWalk(rootFd, "in/b", out _));
            Assert.Equal(-1, ConfinedDirectory.OpenByWalk(rootFd, "a/../..", out errno));
            Assert.Equal(Libc.EXDEV, errno);
        }
        finally
        {
            _ = Libc.Close(rootFd);
        }
    }

    [Fact]
    public async Task Start_Confined_ChildRunsInTheResolvedDirectory_AndAnEscapeIsRefused()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("w"));
        File.CreateSymbolicLink(dir.Combine("esc"), "/etc");

        var options = PtyRun.Options("/bin/sh", ["-c", "pwd -P; sleep 0.2"], cwd: dir.Combine("w")) with { ConfinedTo = dir.Path };
        using (var run = PtyRun.Start(options))
        {
            Assert.Equal(dir.Combine("w"), run.Process.WorkingDirectory);
            await run.WaitForTextAsync(dir.Combine("w"));
        }

        var refused = PtyProcess.Start(options with { WorkingDirectory = dir.Combine("esc") });
        Assert.False(refused.Succeeded);
        Assert.Equal(PtyErrorKind.WorkingDirectoryOutsideRoot, refused.Error.Kind);
    }
}
