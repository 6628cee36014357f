using Coven.Core;
using Coven.TestSupport;

namespace Coven.Pty.Tests;

public sealed class PtyProcessStartTests
{
    [Fact]
    public void Start_MissingExecutable_ReturnsExecutableNotFound()
    {
        var result = PtyProcess.Start(PtyRun.Options("/nonexistent/coven-nothing", []));
        Assert.False(result.Succeeded);
        Assert.Equal(PtyErrorKind.ExecutableNotFound, result.Error.Kind);
        Assert.Equal(2, result.Error.Errno);
        Assert.Contains("/nonexistent/coven-nothing", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_RelativeExecutable_ReturnsExecutableNotFound()
    {
        var result = PtyProcess.Start(PtyRun.Options("sh", []));
        Assert.Equal(PtyErrorKind.ExecutableNotFound, result.Error?.Kind);
    }

    [Fact]
    public void Start_MissingWorkingDirectory_ReturnsWorkingDirectoryNotFound()
    {
        var result = PtyProcess.Start(PtyRun.Options("/bin/sh", ["-c", "true"], cwd: "/nonexistent/dir"));
        Assert.False(result.Succeeded);
        Assert.Equal(PtyErrorKind.WorkingDirectoryNotFound, result.Error.Kind);
        Assert.Contains("/nonexistent/dir", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NotExecutableFile_ReturnsSpawnFailed()
    {
        using var dir = new TempDir();
        var file = dir.Combine("plain.txt");
        File.WriteAllText(file, "echo hi\n");
        var result = PtyProcess.Start(PtyRun.Options(file, []));
        Assert.Equal(PtyErrorKind.SpawnFailed, result.Error?.Kind);
        Assert.Equal(13, result.Error?.Errno);
    }

    [Fact]
    public void Start_BadFormat_ReturnsSpawnFailedWithErrno()
    {
        using var dir = new TempDir();
        var file = dir.Combine("garbage");
        File.WriteAllBytes(file, [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var result = PtyProcess.Start(PtyRun.Options(file, []));
        Assert.Equal(PtyErrorKind.SpawnFailed, result.Error?.Kind);
        Assert.NotEqual(0, result.Error?.Errno);
    }

    [Fact]
    public void Start_BadSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PtyProcess.Start(PtyRun.Options("/bin/sh", [], cols: 0)));
    }

    [Fact]
    public void ResolveExecutable_NameOnPath_ReturnsFirstExecutableMatch()
    {
        using var dir = new TempDir();
        var harness = new FakeHarness(dir.Combine("bin"));
        var script = harness.Write("coven-fake", "exit 0");
        File.WriteAllText(dir.Combine("coven-notexec"), "");
        Assert.Equal(script, PtyProcess.ResolveExecutable("coven-fake", harness.PathVariable));
        Assert.Null(PtyProcess.ResolveExecutable("coven-notexec", dir.Path));
        Assert.Null(PtyProcess.ResolveExecutable("coven-missing", harness.PathVariable));
        Assert.Equal("/bin/sh", PtyProcess.ResolveExecutable("/bin/sh", null));
        Assert.Null(PtyProcess.ResolveExecutable("bin", "/"));
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("sigint", 2)]
    [InlineData("WINCH", 28)]
    public void Signals_TryParse_KnownNames(string name, int expected)
    {
        Assert.True(Signals.TryParse(name, out var signal));
        Assert.Equal(expected, signal);
        Assert.StartsWith("SIG", Signals.Name(signal), StringComparison.Ordinal);
    }

    [Fact]
    public void Signals_TryParse_UnknownName_False()
    {
        Assert.False(Signals.TryParse("BOGUS", out _));
        Assert.False(Signals.TryParse("", out _));
    }
}
