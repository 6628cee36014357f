using System.Net;
using System.Text.Json;

namespace Coven.Daemon.Tests;

public sealed class FamiliarApiTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private Api Api => _daemon.Api;

    [Fact]
    public async Task Familiars_AddListRemove_RoundTrips()
    {
        var created = await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "scout", harness = "claude", model = "opus", args = new[] { "--verbose" } }));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("scout", created.Json.GetProperty("name").GetString());
        Assert.Equal("claude", created.Json.GetProperty("harness").GetString());
        Assert.Equal("opus", created.Json.GetProperty("model").GetString());
        Assert.Equal(["--verbose"], created.Json.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
        Assert.False(created.Json.GetProperty("builtIn").GetBoolean());

        var replaced = await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "scout", harness = "codex" }));
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal("codex", replaced.Json.GetProperty("harness").GetString());

        var list = await Api.GetAsync("api/v1/familiars");
        var byName = list.Json.GetProperty("familiars").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f);
        Assert.True(byName["codex"].GetProperty("builtIn").GetBoolean());
        Assert.True(byName["claude"].GetProperty("builtIn").GetBoolean());
        Assert.Equal("codex", byName["scout"].GetProperty("harness").GetString());

        var removed = await Api.DeleteAsync("api/v1/familiars/scout");
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal("scout", removed.Json.GetProperty("removed").GetString());
        var again = await Api.DeleteAsync("api/v1/familiars/scout");
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal("familiar_not_found", again.ErrorCode);
    }

    [Fact]
    public async Task Familiars_InvalidRequests_AreRefusedWithStableCodes()
    {
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "Bad Name", harness = "codex" }))).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "../etc", harness = "codex" }))).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "scout" }))).ErrorCode);
        var unknown = await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "scout", harness = "rm -rf" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("unknown_harness", unknown.ErrorCode);
        var builtIn = await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "codex", harness = "claude" }));
        Assert.Equal("invalid_request", builtIn.ErrorCode);
        Assert.Contains("built-in", builtIn.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request", (await Api.DeleteAsync("api/v1/familiars/claude")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync("api/v1/familiars", CastTestKit.Json(new { name = "x", harness = "codex", args = new[] { "a\0b" } }))).ErrorCode);
        var list = await Api.GetAsync("api/v1/familiars");
        Assert.Equal(["claude", "codex"], list.Json.GetProperty("familiars").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order());
    }

    [Fact]
    public async Task Launch_AsFamiliar_UsesItsHarnessModelAndArgsAndRecordsIt()
    {
        await Api.DefineAsync("builder", "codex", "m1", "--fast");
        var r = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "builder", prompt = "build it" }));
        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal("codex", r.Json.GetProperty("harness").GetString());
        Assert.Equal("builder", r.Json.GetProperty("familiar").GetString());
        Assert.Equal("m1", r.Json.GetProperty("model").GetString());
        var id = r.Json.GetProperty("id").GetString()!;
        Assert.Equal(["--no-daemon", "--fast", "--model", "m1", "--", "build it"], await Api.ArgvAsync(id));
        var shown = await Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("builder", shown.Json.GetProperty("familiar").GetString());
    }

    [Fact]
    public async Task Launch_FamiliarErrors_Return400()
    {
        await Api.DefineAsync("builder", "codex");
        var mismatch = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "builder", harness = "claude" }));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.Status);
        Assert.Equal("invalid_request", mismatch.ErrorCode);
        var same = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "builder", harness = "codex" }));
        Assert.Equal(HttpStatusCode.Created, same.Status);
        var unknown = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "ghost" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("unknown_harness", unknown.ErrorCode);
        var builtIn = await Api.PostAsync("api/v1/sessions", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "codex", prompt = "p" }));
        Assert.Equal(HttpStatusCode.Created, builtIn.Status);
        Assert.Equal("codex", builtIn.Json.GetProperty("familiar").GetString());
    }

    [Fact]
    public async Task ActiveFamiliar_SetAndListed_PerProjectRoot()
    {
        await Api.DefineAsync("scout", "codex");
        var set = await Api.PostAsync("api/v1/familiars/active", CastTestKit.Json(new { projectRoot = _home.Project, familiar = "scout" }));
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("scout", set.Json.GetProperty("active").GetString());
        var list = await Api.GetAsync("api/v1/familiars?projectRoot=" + Uri.EscapeDataString(_home.Project));
        Assert.Equal("scout", list.Json.GetProperty("active").GetString());
        var other = _home.Dir.Combine("other");
        Directory.CreateDirectory(other);
        var none = await Api.GetAsync("api/v1/familiars?projectRoot=" + Uri.EscapeDataString(other));
        Assert.Equal(JsonValueKind.Null, none.Json.GetProperty("active").ValueKind);
        Assert.Equal("project_root_invalid", (await Api.GetAsync("api/v1/familiars?projectRoot=%2Fnonexistent%2Fx")).ErrorCode);
    }
}
