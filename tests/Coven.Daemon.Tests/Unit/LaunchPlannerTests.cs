using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Sessions;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Daemon.Tests.Unit;

/// <summary><see cref="LaunchPlanner"/> without a daemon: a real store for familiars, a fake-harness bin folder as PATH, real directories.</summary>
public sealed class LaunchPlannerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CovenStore _store;
    private readonly FakeHarness _bin;
    private readonly string _project;
    private readonly HarnessRegistry _registry;

    public LaunchPlannerTests()
    {
        _store = new CovenStore(_dir.Combine("coven.db"));
        _store.Migrate();
        _bin = new FakeHarness(_dir.Combine("bin"));
        _bin.WriteEcho("codex");
        var mine = _bin.WriteEcho("mine");
        _project = _dir.Combine("proj");
        Directory.CreateDirectory(Path.Combine(_project, "sub"));
        _registry = new HarnessRegistry([new HarnessDefinition { Id = "mine", Label = "Mine", Executable = mine }]);
    }

    /// <summary>Only the bin folder: "claude" is a known harness that is not installed here.</summary>
    private string SearchPath => _bin.BinDir;

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(null, "codex", null, null, null, "projectRoot is required.")]
    [InlineData("/tmp", null, null, null, null, "harness (or familiar) is required.")]
    [InlineData("/tmp", "codex", 1, null, null, "cols and rows must be between 2 and 1000.")]
    [InlineData("/tmp", "codex", null, 1001, null, "cols and rows must be between 2 and 1000.")]
    [InlineData("/tmp", "codex", null, null, "a\0b", "prompt must be at most 256 KiB of text without NUL characters.")]
    public void InvalidRequest_IsRefusedBeforeAnythingIsLookedUp(string? root, string? harness, int? cols, int? rows, string? prompt, string message)
    {
        var error = Refused(new LaunchRequest { ProjectRoot = root, Harness = harness, Cols = cols, Rows = rows, Prompt = prompt });
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(400, error.ToApiResult().StatusCode);
    }

    [Fact]
    public void OverlongPromptOrNulInModel_IsInvalid()
    {
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, Refused(Request() with { Prompt = new string('x', LaunchPlanner.MaxPromptChars + 1) }).Kind);
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, Refused(Request() with { Model = "m\0" }).Kind);
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, Refused(Request() with { Title = "t\0" }).Kind);
    }

    [Fact]
    public void UnknownHarness_IsUnknownHarness()
    {
        var error = Refused(Request() with { Harness = "nope" });
        Assert.Equal(LaunchPlanErrorKind.UnknownHarness, error.Kind);
        Assert.Equal(ErrorCodes.UnknownHarness, error.Code);
        Assert.Equal("nope", error.Details!["harness"]);
    }

    [Fact]
    public void KnownHarnessNotOnPath_IsHarnessUnavailable()
    {
        var error = Refused(Request() with { Harness = "claude" });
        Assert.Equal(LaunchPlanErrorKind.HarnessUnavailable, error.Kind);
        Assert.Equal(ErrorCodes.HarnessUnavailable, error.Code);
        Assert.Contains("npm install", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFamiliar_ListsTheKnownOnes()
    {
        _store.Familiars.Upsert(new Familiar { Name = "reviewer", Harness = "codex" });
        var error = Refused(new LaunchRequest { ProjectRoot = _project, Familiar = "ghost" });
        Assert.Equal(LaunchPlanErrorKind.UnknownFamiliar, error.Kind);
        Assert.Equal(ErrorCodes.UnknownHarness, error.Code);
        Assert.Contains("reviewer", error.Message, StringComparison.Ordinal);
        Assert.Equal("ghost", error.Details!["familiar"]);
    }

    [Fact]
    public void FamiliarAndAnotherHarness_IsAMismatch()
    {
        var error = Refused(new LaunchRequest { ProjectRoot = _project, Familiar = "codex", Harness = "mine" });
        Assert.Equal(LaunchPlanErrorKind.FamiliarHarnessMismatch, error.Kind);
        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
    }

    [Fact]
    public void ResumeOfAHarnessWithoutResumeArgs_IsResumeUnsupported()
    {
        var old = SessionId.New();
        var error = Refused(Request() with { Harness = "mine" }, new LaunchOverrides { ResumedFrom = old });
        Assert.Equal(LaunchPlanErrorKind.ResumeUnsupported, error.Kind);
        Assert.Equal(CastErrorCodes.ResumeUnsupported, error.Code);
        Assert.Equal(old.Value, error.Details!["sessionId"]);
    }

    [Theory]
    [InlineData("relative/root", null, nameof(LaunchPlanErrorKind.ProjectRootInvalid), "project_root_invalid")]
    [InlineData("/nonexistent/coven-root", null, nameof(LaunchPlanErrorKind.ProjectRootInvalid), "project_root_invalid")]
    [InlineData(null, "..", nameof(LaunchPlanErrorKind.PathOutsideRoot), "path_outside_root")]
    [InlineData(null, "/etc", nameof(LaunchPlanErrorKind.PathOutsideRoot), "path_outside_root")]
    [InlineData(null, "missing", nameof(LaunchPlanErrorKind.WorkingDirectoryInvalid), "invalid_request")]
    public void PathPolicy_RefusesRootsAndWorkingDirectories(string? root, string? cwd, string kind, string code)
    {
        var error = Refused(Request() with { ProjectRoot = root ?? _project, Cwd = cwd });
        Assert.Equal(Enum.Parse<LaunchPlanErrorKind>(kind), error.Kind);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void FilesystemRoot_IsNoProjectBoundary()
    {
        // Issue 12 item 19: "/" (directly or through a symlink to it) would make every cwd "inside".
        var link = _dir.Combine("slash");
        File.CreateSymbolicLink(link, "/");
        foreach (var root in new[] { "/", link, "/." })
        {
            var error = Refused(Request() with { ProjectRoot = root, Cwd = "etc" });
            Assert.Equal(LaunchPlanErrorKind.ProjectRootInvalid, error.Kind);
            Assert.Equal(ErrorCodes.ProjectRootInvalid, error.Code);
            Assert.Contains("filesystem root", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PromptLongerThanMaxArgStrlen_IsRefusedBeforeTheKernelWould()
    {
        // Issue 12 item 14: 200,000 characters is under the prompt limit but over execve's 128 KiB per string.
        var error = Refused(Request() with { Prompt = new string('x', 200_000) });
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(400, error.ToApiResult().StatusCode);
        Assert.Equal(LaunchPlanner.MaxArgumentBytes - 1, error.Details!["limit"]);
        Assert.Contains("MAX_ARG_STRLEN", error.Message, StringComparison.Ordinal);

        // Multi-byte text counts in bytes: 50,000 three-byte characters are 150,000 bytes.
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, Refused(Request() with { Prompt = new string('€', 50_000) }).Kind);

        // Just under the limit is planned.
        Assert.NotNull(Planned(Request() with { Prompt = new string('x', LaunchPlanner.MaxArgumentBytes - 1) }));
    }

    [Fact]
    public void CallerEnvironment_FindsTheHarnessOnItsPath_DropsInternals_AndStaysOutOfTheSpec()
    {
        // Issue 13 item 5: "mine-late" is only on the caller's PATH, not on the daemon's search path.
        var late = new FakeHarness(_dir.Combine("late-bin"));
        var exe = late.WriteEcho("codex");
        var plan = Planned(Request() with
        {
            Environment = new Dictionary<string, string> { ["PATH"] = late.BinDir, ["ONLY_CALLER"] = "v", ["COVEN_SWEEP_INTERVAL"] = "1s" },
        });
        Assert.Equal(exe, plan.Spec.Executable);
        Assert.Equal("v", plan.CallerEnvironment!["ONLY_CALLER"]);
        Assert.False(plan.CallerEnvironment.ContainsKey("COVEN_SWEEP_INTERVAL"));
        Assert.False(plan.Spec.Environment.ContainsKey("ONLY_CALLER"));

        // Without an environment: the daemon's search path and no caller environment.
        var plain = Planned(Request());
        Assert.Null(plain.CallerEnvironment);
        Assert.StartsWith(_bin.BinDir, plain.Spec.Executable, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "v")]
    [InlineData("A=B", "v")]
    [InlineData("A\0", "v")]
    [InlineData("A", "v\0")]
    public void UnusableEnvironmentVariable_IsInvalid(string name, string value)
    {
        var error = Refused(Request() with { Environment = new Dictionary<string, string> { [name] = value } });
        Assert.Equal(LaunchPlanErrorKind.InvalidRequest, error.Kind);
        Assert.StartsWith("environment:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CwdSymlinkOutOfTheRoot_IsOutsideRoot()
    {
        File.CreateSymbolicLink(Path.Combine(_project, "escape"), "/etc");
        Assert.Equal(LaunchPlanErrorKind.PathOutsideRoot, Refused(Request() with { Cwd = "escape" }).Kind);
    }

    [Fact]
    public void CwdThatIsAFile_IsAnInvalidWorkingDirectory()
    {
        File.WriteAllText(Path.Combine(_project, "file"), "x");
        Assert.Equal(LaunchPlanErrorKind.WorkingDirectoryInvalid, Refused(Request() with { Cwd = "file" }).Kind);
    }

    [Fact]
    public void Harness_PlansArgvCwdSizeAndTitle()
    {
        var plan = Planned(Request() with { Prompt = "fix the\nflaky test", Model = "m1", Cwd = "sub", Cols = 100, Rows = 30 });

        var codex = HarnessRegistry.BuiltIns.Single(h => h.Id == "codex");
        Assert.Equal("codex", plan.Harness.Id);
        Assert.Equal(Path.Combine(_bin.BinDir, "codex"), plan.Spec.Executable);
        Assert.Equal(codex.BuildArguments("fix the\nflaky test", "m1", []), plan.Spec.Arguments);
        Assert.Equal(Path.Combine(_project, "sub"), plan.WorkingDirectory);
        Assert.Equal(plan.WorkingDirectory, plan.Spec.WorkingDirectory);
        Assert.Equal(_project, plan.ProjectRoot);
        Assert.Equal((100, 30), (plan.Spec.Columns, plan.Spec.Rows));
        Assert.Equal(LaunchSpec.DefaultEnvironment, plan.Spec.Environment);
        Assert.Equal(LaunchSpec.DefaultUnset, plan.Spec.UnsetEnvironment);
        Assert.Equal("fix the flaky test", plan.Title);
        Assert.Null(plan.Familiar);

        var now = DateTimeOffset.UnixEpoch;
        var id = SessionId.New();
        var record = plan.ToRecord(id, now);
        Assert.Equal((id, SessionStatus.Pending, "codex", plan.WorkingDirectory, "m1"), (record.Id, record.Status, record.Harness, record.Cwd, record.Model));
        Assert.Equal((100, 30, now), (record.Columns, record.Rows, record.CreatedAt));
    }

    [Fact]
    public void Defaults_SizeAndTitle()
    {
        var plan = Planned(Request() with { Prompt = null });
        Assert.Equal((LaunchPlanner.DefaultColumns, LaunchPlanner.DefaultRows), (plan.Spec.Columns, plan.Spec.Rows));
        Assert.Equal("Codex", plan.Title);

        var longPrompt = Planned(Request() with { Prompt = new string('a', 80) });
        Assert.Equal(new string('a', 57) + "...", longPrompt.Title);
        Assert.Equal("mine", Planned(Request() with { Title = "  mine  " }).Title);
    }

    [Fact]
    public void DefinedFamiliar_GivesHarnessModelAndArgs()
    {
        _store.Familiars.Upsert(new Familiar { Name = "reviewer", Harness = "mine", Model = "m2", Args = ["--strict"] });

        var plan = Planned(new LaunchRequest { ProjectRoot = _project, Familiar = "reviewer", Prompt = "p" });

        Assert.Equal("mine", plan.Harness.Id);
        Assert.Equal("reviewer", plan.Familiar);
        Assert.Equal("m2", plan.Model);
        Assert.Contains("--strict", plan.Spec.Arguments);
        Assert.Equal("m3", Planned(new LaunchRequest { ProjectRoot = _project, Familiar = "reviewer", Model = "m3" }).Model);
    }

    [Fact]
    public void Resume_UsesTheResumeArgvAndLinksTheOldSession()
    {
        var old = SessionId.New();
        var plan = Planned(Request() with { Prompt = null }, new LaunchOverrides { ResumedFrom = old, Familiar = "codex", ExtraArguments = ["--x"] });

        var codex = HarnessRegistry.BuiltIns.Single(h => h.Id == "codex");
        string[] expected = [.. codex.BaseArguments, .. codex.ResumeArguments!, "--x"];
        Assert.Equal(expected, plan.Spec.Arguments);
        Assert.Equal(old, plan.ResumedFrom);
        Assert.Equal("codex", plan.Familiar);
    }

    [Fact]
    public void ActivityHook_CodexGetsNotifyOverride_AndNativeIdle_OnlyWhenTheLanePathIsGiven()
    {
        const string Lane = "/opt/co\"ven/coven-lane";
        Assert.True(LaunchPlanner.TryPlan(Request(), null, _registry, _store.Familiars, SearchPath, out var plan, out var error, Lane), error?.Message);
        Assert.Equal(["-c", "notify=[\"/opt/co\\\"ven/coven-lane\", \"hook\", \"codex\"]"], plan.Spec.Arguments.Take(2));
        Assert.Equal(["idle"], plan.Spec.Activity!.NativeSignals);

        var without = Planned(Request());
        Assert.DoesNotContain("-c", without.Spec.Arguments);
        Assert.Empty(without.Spec.Activity!.NativeSignals);
    }

    private LaunchRequest Request() => new() { ProjectRoot = _project, Harness = "codex", Prompt = "hello" };

    private LaunchPlanError Refused(LaunchRequest request, LaunchOverrides? resume = null)
    {
        Assert.False(LaunchPlanner.TryPlan(request, resume, _registry, _store.Familiars, SearchPath, out var plan, out var error));
        Assert.Null(plan);
        return error;
    }

    private LaunchPlan Planned(LaunchRequest request, LaunchOverrides? resume = null)
    {
        Assert.True(LaunchPlanner.TryPlan(request, resume, _registry, _store.Familiars, SearchPath, out var plan, out var error), error?.Message);
        return plan;
    }
}
