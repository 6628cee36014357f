using System.Net;
using System.Text.Json;

namespace Coven.Daemon.Tests;

public sealed class CastApiTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        _home.Harness.WriteEcho("claude");
        _daemon = await _home.StartAsync();
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private Api Api => _daemon.Api;

    private string OtherProject()
    {
        var other = _home.Dir.Combine("other");
        Directory.CreateDirectory(other);
        return other;
    }

    [Theory]
    [InlineData("~delegate:claude", 17)]
    [InlineData("hello", 1)]
    [InlineData("~delegate:Bad fix", 11)]
    [InlineData("~broadcast scout,", 18)]
    public async Task Cast_MalformedCode_Returns400InvalidCastWithColumn(string code, int column)
    {
        var r = await Api.CastAsync(code, _home.Project);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("invalid_cast", r.ErrorCode);
        var details = r.Json.GetProperty("error").GetProperty("details");
        Assert.Equal(column, details.GetProperty("column").GetInt32());
        Assert.False(string.IsNullOrEmpty(details.GetProperty("expected").GetString()));
    }

    [Fact]
    public async Task Cast_CatalogHealthAndCapabilities_AdvertiseCastCodes()
    {
        var catalog = await Api.GetAsync("api/v1/cast-codes");
        Assert.Equal(HttpStatusCode.OK, catalog.Status);
        var kinds = catalog.Json.GetProperty("codes").EnumerateArray().Select(c => c.GetProperty("kind").GetString()).ToHashSet();
        Assert.Equal(["broadcast", "delegate", "handoff", "resume", "status", "switch"], kinds.Order());
        Assert.All(catalog.Json.GetProperty("codes").EnumerateArray(), c => Assert.NotEmpty(c.GetProperty("examples").EnumerateArray()));
        Assert.True((await Api.GetAsync("api/v1/health")).Json.GetProperty("capabilities").GetProperty("castCodes").GetBoolean());
        var caps = (await Api.GetAsync("api/v1/capabilities")).Json.GetProperty("capabilities").EnumerateArray();
        Assert.Contains(caps, c => c.GetProperty("id").GetString() == "cast" && c.GetProperty("status").GetString() == "available");
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/cast", "{}")).ErrorCode);
    }

    [Fact]
    public async Task Cast_Delegate_LaunchesFamiliarWithTaskAsOneArgument()
    {
        await Api.DefineAsync("scout", "claude", null, "--quiet");
        var task = "find why CI is red; $(touch /tmp/pwned-cast) 'quoted' \"double\"";
        var r = await Api.CastAsync("~delegate:scout " + task, _home.Project);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal("session.launch", r.Json.GetProperty("action").GetString());
        Assert.Equal("delegate", r.Json.GetProperty("cast").GetProperty("kind").GetString());
        Assert.Equal("scout", r.Json.GetProperty("cast").GetProperty("name").GetString());
        var session = r.Json.GetProperty("result");
        Assert.Equal("claude", session.GetProperty("harness").GetString());
        Assert.Equal("scout", session.GetProperty("familiar").GetString());
        Assert.Equal("live", session.GetProperty("status").GetString());
        Assert.Equal(["--session-id", session.GetProperty("conversationId").GetString()!, "--quiet", "--", task], await Api.ArgvAsync(session.GetProperty("id").GetString()!));
        Assert.False(File.Exists("/tmp/pwned-cast"));
    }

    [Fact]
    public async Task Cast_DelegateToUnknownFamiliar_ReturnsTheLaunchRoutesError()
    {
        var viaCast = await Api.CastAsync("~delegate:ghost do it", _home.Project);
        var direct = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "ghost", prompt = "do it" }));
        Assert.Equal(HttpStatusCode.BadRequest, viaCast.Status);
        Assert.Equal("unknown_harness", viaCast.ErrorCode);
        Assert.Equal(direct.Text, viaCast.Text);
        var badRoot = await Api.CastAsync("~delegate:codex do it", "/nonexistent/root");
        Assert.Equal("project_root_invalid", badRoot.ErrorCode);
        Assert.Equal("invalid_request", (await Api.CastAsync("~delegate:codex do it", null)).ErrorCode);
    }

    [Fact]
    public async Task Cast_Switch_SetsTheActiveFamiliarOfTheRootOnly()
    {
        await Api.DefineAsync("builder", "codex");
        var r = await Api.CastAsync("~>builder", _home.Project);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("familiars.switch", r.Json.GetProperty("action").GetString());
        Assert.Equal("builder", r.Json.GetProperty("result").GetProperty("active").GetString());
        Assert.Equal("builder", (await Api.GetAsync("api/v1/familiars?projectRoot=" + Uri.EscapeDataString(_home.Project))).Json.GetProperty("active").GetString());
        Assert.Equal(JsonValueKind.Null, (await Api.GetAsync("api/v1/familiars?projectRoot=" + Uri.EscapeDataString(OtherProject()))).Json.GetProperty("active").ValueKind);
        Assert.Equal("claude", (await Api.CastAsync("~>claude", _home.Project)).Json.GetProperty("result").GetProperty("active").GetString());
        var unknown = await Api.CastAsync("~>ghost", _home.Project);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("unknown_harness", unknown.ErrorCode);
    }

    [Fact]
    public async Task Cast_Status_GroupsLiveSessionsOfTheProjectByFamiliar()
    {
        await Api.DefineAsync("scout", "claude");
        var plain = await Api.LaunchAsync(_home.Project, "codex", "one");
        var scout = (await Api.CastAsync("~delegate:scout two", _home.Project)).Json.GetProperty("result").GetProperty("id").GetString()!;
        var elsewhere = await Api.LaunchAsync(OtherProject(), "codex", "three");

        var all = await Api.CastAsync("~?", _home.Project);
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal("sessions.list", all.Json.GetProperty("action").GetString());
        var groups = all.Json.GetProperty("result").GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("familiar").GetString()!, g => CastTestKit.Ids(g.GetProperty("sessions")).ToList());
        Assert.Equal([plain], groups["codex"]);
        Assert.Equal([scout], groups["scout"]);
        Assert.DoesNotContain(elsewhere, groups.Values.SelectMany(v => v));

        var one = await Api.CastAsync("~?scout", _home.Project);
        var group = Assert.Single(one.Json.GetProperty("result").GetProperty("groups").EnumerateArray());
        Assert.Equal([scout], CastTestKit.Ids(group.GetProperty("sessions")));

        var byPrefix = await Api.CastAsync("~?" + elsewhere[..13], _home.Project);
        Assert.Equal(HttpStatusCode.OK, byPrefix.Status);
        Assert.Equal("sessions.get", byPrefix.Json.GetProperty("action").GetString());
        Assert.Equal(elsewhere, byPrefix.Json.GetProperty("result").GetProperty("session").GetProperty("id").GetString());
        Assert.Equal("session_not_found", (await Api.CastAsync("~?ffffffff", _home.Project)).ErrorCode);

        // The first 4 hex digits of a UUIDv7 are the top of its millisecond timestamp: shared by all three.
        var ambiguous = await Api.CastAsync("~?" + plain[..4], _home.Project);
        Assert.Equal(HttpStatusCode.Conflict, ambiguous.Status);
        Assert.Equal("ambiguous_session", ambiguous.ErrorCode);
        Assert.Equal(3, ambiguous.Json.GetProperty("error").GetProperty("details").GetProperty("candidates").GetArrayLength());
    }

    [Fact]
    public async Task Cast_BroadcastStar_ReachesExactlyTheLiveSessionsOfTheProject()
    {
        await Api.DefineAsync("scout", "claude");
        var a1 = await Api.LaunchAsync(_home.Project, "codex", "a1");
        var a2 = (await Api.CastAsync("~delegate:scout a2", _home.Project)).Json.GetProperty("result").GetProperty("id").GetString()!;
        var ended = await Api.LaunchAsync(_home.Project, "codex", "ended");
        await Api.EndAsync(ended);
        var b1 = await Api.LaunchAsync(OtherProject(), "codex", "b1");

        var r = await Api.CastAsync("~broadcast * use pnpm, not npm", _home.Project);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("session.input", r.Json.GetProperty("action").GetString());
        var result = r.Json.GetProperty("result");
        Assert.Equal(2, result.GetProperty("delivered").GetInt32());
        Assert.Equal(new[] { a1, a2 }.Order(), result.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("sessionId").GetString()!).Order());
        Assert.All(result.GetProperty("results").EnumerateArray(), e => Assert.Equal(202, e.GetProperty("status").GetInt32()));

        await Api.WaitForOutputAsync(a1, "got: use pnpm, not npm");
        await Api.WaitForOutputAsync(a2, "got: use pnpm, not npm");
        Assert.Equal(0, await Api.InputEventCountAsync(b1));
        Assert.Equal(1, await Api.InputEventCountAsync(ended));
        Assert.DoesNotContain("use pnpm", await Api.OutputAsync(b1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cast_BroadcastNamed_ReachesOnlyThoseFamiliars()
    {
        await Api.DefineAsync("scout", "claude");
        await Api.DefineAsync("builder", "codex");
        var plain = await Api.LaunchAsync(_home.Project, "codex", "plain");
        var scout = (await Api.CastAsync("~delegate:scout s", _home.Project)).Json.GetProperty("result").GetProperty("id").GetString()!;
        var builder = (await Api.CastAsync("~delegate:builder b", _home.Project)).Json.GetProperty("result").GetProperty("id").GetString()!;
        var otherScout = (await Api.CastAsync("~delegate:scout elsewhere", OtherProject())).Json.GetProperty("result").GetProperty("id").GetString()!;

        var r = await Api.CastAsync("~broadcast scout,builder rebase on main first", _home.Project);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        var result = r.Json.GetProperty("result");
        Assert.Equal(["builder", "scout"], result.GetProperty("familiars").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(new[] { builder, scout }.Order(), result.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("sessionId").GetString()!).Order());
        await Api.WaitForOutputAsync(scout, "got: rebase on main first");
        await Api.WaitForOutputAsync(builder, "got: rebase on main first");
        Assert.Equal(0, await Api.InputEventCountAsync(plain));
        Assert.Equal(0, await Api.InputEventCountAsync(otherScout));

        Assert.Equal("unknown_harness", (await Api.CastAsync("~broadcast ghost hi", _home.Project)).ErrorCode);
    }

    [Fact]
    public async Task Cast_ResumeCodex_LaunchesResumeLastLinkedToTheEndedSession()
    {
        var old = await Api.LaunchAsync(_home.Project, "codex", "first prompt");
        await Api.EndAsync(old);

        var r = await Api.CastAsync("~^ resume", _home.Project);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal("session.resume", r.Json.GetProperty("action").GetString());
        var session = r.Json.GetProperty("result");
        Assert.Equal(old, session.GetProperty("resumedFrom").GetString());
        Assert.Equal("codex", session.GetProperty("harness").GetString());
        Assert.Equal(_home.Project, session.GetProperty("cwd").GetString());

        // The fake codex never writes a rollout, so its conversation id stays unknown: the latest one is resumed, and the
        // answer says so (conversationId null).
        Assert.Equal(JsonValueKind.Null, session.GetProperty("conversationId").ValueKind);
        Assert.Equal(["--no-daemon", "resume", "--last"], await Api.ArgvAsync(session.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Cast_ResumeClaudeById_ResumesItsOwnConversationInTheSameCwd()
    {
        await Api.DefineAsync("scout", "claude");
        Directory.CreateDirectory(Path.Combine(_home.Project, "pkg"));
        var launched = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, cwd = "pkg", familiar = "scout", prompt = "p" }));
        var old = launched.Json.GetProperty("id").GetString()!;
        var conversation = launched.Json.GetProperty("conversationId").GetString()!;
        Assert.True(Guid.TryParse(conversation, out _), "claude gets a conversation id at launch: " + launched.Text);
        Assert.Equal(["--session-id", conversation, "--", "p"], await Api.ArgvAsync(old));
        await Api.EndAsync(old, 1);
        var newer = await Api.LaunchAsync(_home.Project, "codex", "newer");
        await Api.EndAsync(newer);

        var r = await Api.CastAsync("~^ resume " + old[..18], _home.Project);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var session = r.Json.GetProperty("result");
        Assert.Equal(old, session.GetProperty("resumedFrom").GetString());
        Assert.Equal("scout", session.GetProperty("familiar").GetString());
        Assert.Equal(Path.Combine(_home.Project, "pkg"), session.GetProperty("cwd").GetString());
        Assert.Equal(conversation, session.GetProperty("conversationId").GetString());
        Assert.Equal(["--resume", conversation], await Api.ArgvAsync(session.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Cast_ResumeArchivedSession_Returns409InvalidTransitionLikeTheDirectRoute()
    {
        var old = await Api.LaunchAsync(_home.Project, "codex", "p");
        await Api.EndAsync(old);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync($"api/v1/sessions/{old}/archive")).Status);

        var viaCast = await Api.CastAsync("~^ resume " + old, _home.Project);
        var direct = await Api.PostAsync($"api/v1/sessions/{old}/resume");
        Assert.Equal(HttpStatusCode.Conflict, viaCast.Status);
        Assert.Equal("invalid_transition", viaCast.ErrorCode);
        Assert.Equal("archived", viaCast.Json.GetProperty("error").GetProperty("details").GetProperty("status").GetString());
        Assert.Equal(direct.Text, viaCast.Text);

        var viaTarget = await Api.CastAsync("~^ resume", null, target: old);
        Assert.Equal("invalid_transition", viaTarget.ErrorCode);
        var broadcastTarget = await Api.CastAsync("~broadcast * hi", null, target: old);
        Assert.Equal(HttpStatusCode.OK, broadcastTarget.Status);
        Assert.Equal(0, broadcastTarget.Json.GetProperty("result").GetProperty("delivered").GetInt32());
    }

    [Fact]
    public async Task Actions_ResumeAndCast_AnswerLikeTheirDirectRoutes()
    {
        var old = await Api.LaunchAsync(_home.Project, "codex", "p");
        await Api.EndAsync(old);

        var resumed = await Api.PostAsync("api/v1/actions", CastTestKit.Json(new { action = "session.resume", sessionId = old, args = new { cols = 100, rows = 30 } }));
        Assert.Equal(HttpStatusCode.Created, resumed.Status);
        Assert.Equal(old, resumed.Json.GetProperty("resumedFrom").GetString());
        Assert.Equal(100, resumed.Json.GetProperty("cols").GetInt32());
        Assert.Equal(["--no-daemon", "resume", "--last"], await Api.ArgvAsync(resumed.Json.GetProperty("id").GetString()!));

        // Refusals are the direct route's, byte for byte.
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync($"api/v1/sessions/{old}/archive")).Status);
        var viaAction = await Api.PostAsync("api/v1/actions", CastTestKit.Json(new { action = "session.resume", sessionId = old }));
        var direct = await Api.PostAsync($"api/v1/sessions/{old}/resume");
        Assert.Equal("invalid_transition", viaAction.ErrorCode);
        Assert.Equal(direct.Text, viaAction.Text);
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/actions", """{"action":"session.resume"}""")).ErrorCode);

        var castAction = await Api.PostAsync("api/v1/actions", CastTestKit.Json(new { action = "cast", args = new { code = "hello", projectRoot = _home.Project } }));
        var castDirect = await Api.CastAsync("hello", _home.Project);
        Assert.Equal(HttpStatusCode.BadRequest, castAction.Status);
        Assert.Equal("invalid_cast", castAction.ErrorCode);
        Assert.Equal(castDirect.Text, castAction.Text);
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/actions", """{"action":"cast"}""")).ErrorCode);
    }

    [Fact]
    public async Task Resume_LiveSessionOrHarnessWithoutResume_IsRefused()
    {
        var live = await Api.LaunchAsync(_home.Project, "codex", "p");
        var refused = await Api.CastAsync("~^ resume " + live, _home.Project);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("invalid_transition", refused.ErrorCode);

        _home.Register(("mine", _home.Harness.WriteEcho("mine")));
        var mine = await Api.LaunchAsync(_home.Project, "mine", "p");
        await Api.EndAsync(mine);
        var unsupported = await Api.PostAsync($"api/v1/sessions/{mine}/resume");
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.Status);
        Assert.Equal("resume_unsupported", unsupported.ErrorCode);
        Assert.Contains("resumeArgs", unsupported.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("resume_unsupported", (await Api.CastAsync("~^ resume", _home.Project)).ErrorCode);
        Assert.Equal("session_not_found", (await Api.CastAsync("~^ resume", OtherProject())).ErrorCode);
    }
}
