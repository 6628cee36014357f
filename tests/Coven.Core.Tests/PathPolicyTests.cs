using Coven.TestSupport;

namespace Coven.Core.Tests;

public sealed class PathPolicyTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _root;

    public PathPolicyTests()
    {
        _root = _dir.Combine("proj");
        Directory.CreateDirectory(Path.Combine(_root, "src", "cli"));
        Directory.CreateDirectory(_dir.Combine("projects")); // sibling whose name extends "proj"
        File.WriteAllText(Path.Combine(_root, "README"), "x");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Resolve_NoCwd_UsesCanonicalRoot()
    {
        var r = PathPolicy.Resolve(_root, null);

        Assert.True(r.Ok, r.Message);
        Assert.Equal(_root, r.ProjectRoot);
        Assert.Equal(_root, r.WorkingDirectory);
    }

    [Fact]
    public void Resolve_RelativeCwd_IsTakenFromRoot()
    {
        var r = PathPolicy.Resolve(_root, "src/cli");

        Assert.True(r.Ok, r.Message);
        Assert.Equal(Path.Combine(_root, "src", "cli"), r.WorkingDirectory);
    }

    [Fact]
    public void Resolve_AbsoluteCwdInside_IsAccepted()
    {
        var r = PathPolicy.Resolve(_root, Path.Combine(_root, "src"));

        Assert.True(r.Ok, r.Message);
        Assert.Equal(Path.Combine(_root, "src"), r.WorkingDirectory);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../projects")]
    [InlineData("src/../../projects")]
    [InlineData("/etc")]
    public void Resolve_CwdEscaping_IsOutsideRoot(string cwd)
    {
        var r = PathPolicy.Resolve(_root, cwd);

        Assert.Equal(PathErrorKind.OutsideRoot, r.Error);
        Assert.Null(r.WorkingDirectory);
    }

    [Fact]
    public void Resolve_SiblingWithSharedPrefix_IsOutsideRoot()
    {
        // "/x/projects" starts with "/x/proj" as a string but is not inside it.
        var r = PathPolicy.Resolve(_root, _dir.Combine("projects"));

        Assert.Equal(PathErrorKind.OutsideRoot, r.Error);
    }

    [Fact]
    public void Resolve_SymlinkPointingOut_IsOutsideRoot()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "/tmp");

        var r = PathPolicy.Resolve(_root, "escape");

        Assert.Equal(PathErrorKind.OutsideRoot, r.Error);
        Assert.Contains("/tmp", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SymlinkInsideRoot_ResolvesToTarget()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "src"));

        var r = PathPolicy.Resolve(_root, "alias");

        Assert.True(r.Ok, r.Message);
        Assert.Equal(Path.Combine(_root, "src"), r.WorkingDirectory);
    }

    [Fact]
    public void Resolve_RootThroughSymlink_IsCanonicalized()
    {
        var link = _dir.Combine("link-to-proj");
        Directory.CreateSymbolicLink(link, _root);

        var r = PathPolicy.Resolve(link, "src");

        Assert.True(r.Ok, r.Message);
        Assert.Equal(_root, r.ProjectRoot);
        Assert.Equal(Path.Combine(_root, "src"), r.WorkingDirectory);
    }

    [Fact]
    public void Resolve_MissingRoot_IsProjectRootInvalid()
    {
        var r = PathPolicy.Resolve(_dir.Combine("nope"), null);

        Assert.Equal(PathErrorKind.ProjectRootInvalid, r.Error);
    }

    [Fact]
    public void Resolve_RootIsAFile_IsProjectRootInvalid()
    {
        var r = PathPolicy.Resolve(Path.Combine(_root, "README"), null);

        Assert.Equal(PathErrorKind.ProjectRootInvalid, r.Error);
        Assert.Contains("not a directory", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/root")]
    [InlineData("")]
    public void Resolve_RootNotAbsolute_IsProjectRootInvalid(string root)
    {
        Assert.Equal(PathErrorKind.ProjectRootInvalid, PathPolicy.Resolve(root, null).Error);
    }

    [Fact]
    public void Resolve_CwdMissing_IsWorkingDirectoryInvalid()
    {
        Assert.Equal(PathErrorKind.WorkingDirectoryInvalid, PathPolicy.Resolve(_root, "does/not/exist").Error);
    }

    [Fact]
    public void Resolve_CwdIsAFile_IsWorkingDirectoryInvalid()
    {
        Assert.Equal(PathErrorKind.WorkingDirectoryInvalid, PathPolicy.Resolve(_root, "README").Error);
    }

    [Fact]
    public void Resolve_VeryLongPath_IsRefusedClearly()
    {
        var r = PathPolicy.Resolve(_root, string.Join('/', Enumerable.Repeat("a", 3000)));

        Assert.Equal(PathErrorKind.WorkingDirectoryInvalid, r.Error);
        Assert.Contains("longer than", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NulByte_IsRefused()
    {
        Assert.Equal(PathErrorKind.WorkingDirectoryInvalid, PathPolicy.Resolve(_root, "src\0/../..").Error);
        Assert.Equal(PathErrorKind.ProjectRootInvalid, PathPolicy.Resolve(_root + "\0", null).Error);
    }

    [Fact]
    public void Resolve_OddBytesInName_WorkInside()
    {
        var odd = "spa ce\tläuft-💥-\u001b[31m";
        Directory.CreateDirectory(Path.Combine(_root, odd));

        var r = PathPolicy.Resolve(_root, odd);

        Assert.True(r.Ok, r.Message);
        Assert.Equal(Path.Combine(_root, odd), r.WorkingDirectory);
    }

    [Theory]
    [InlineData("/a/b", "/a/b", true)]
    [InlineData("/a/b", "/a/b/c", true)]
    [InlineData("/a/b", "/a/bc", false)]
    [InlineData("/a/b/", "/a/b/c", true)]
    [InlineData("/a/b", "/a", false)]
    [InlineData("/", "/anything", true)]
    public void IsInside_ComparesComponentWise(string root, string path, bool expected)
    {
        Assert.Equal(expected, PathPolicy.IsInside(root, path));
    }
}
