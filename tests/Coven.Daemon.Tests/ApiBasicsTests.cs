using System.Net;
using System.Text.Json;

namespace Coven.Daemon.Tests;

public sealed class ApiBasicsTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task Health_Always_ReturnsHandshake()
    {
        var r = await _daemon.Api.GetAsync("api/v1/health");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.True(r.Json.GetProperty("ok").GetBoolean());
        Assert.Equal("coven.daemon.v1", r.Json.GetProperty("apiVersion").GetString());
        Assert.Equal("0.1.0", r.Json.GetProperty("covenVersion").GetString());
        var daemon = r.Json.GetProperty("daemon");
        Assert.Equal(_daemon.Pid, daemon.GetProperty("pid").GetInt32());
        Assert.Equal(_home.Socket, daemon.GetProperty("socket").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", daemon.GetProperty("startedAt").GetString());
        var caps = r.Json.GetProperty("capabilities");
        foreach (var flag in new[] { "sessions", "events", "eventCursor", "structuredErrors", "streaming", "rituals", "controlPlane" })
        {
            Assert.True(caps.GetProperty(flag).GetBoolean(), flag);
        }

        Assert.True(caps.GetProperty("castCodes").GetBoolean());
        Assert.True(caps.GetProperty("screen").ValueKind is JsonValueKind.True or JsonValueKind.False);

        var store = r.Json.GetProperty("store");
        Assert.True(store.GetProperty("ok").GetBoolean());
        Assert.Equal("ok", store.GetProperty("integrity").GetString());
        Assert.True(store.GetProperty("schemaVersion").GetInt32() >= 2);
    }

    [Fact]
    public async Task DaemonFiles_AfterStart_ArePrivate()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_home.Home));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_home.Socket));
        var info = Path.Combine(_home.Home, "daemon.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(info));
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(info));
        Assert.Equal(_daemon.Pid, doc.RootElement.GetProperty("pid").GetInt32());
        Assert.Equal(_home.Socket, doc.RootElement.GetProperty("socket").GetString());
        Assert.True(doc.RootElement.TryGetProperty("startedAt", out _));
        Assert.Equal("0.1.0", doc.RootElement.GetProperty("version").GetString());
        Assert.True(File.Exists(Path.Combine(_home.Home, "logs", "covend.log")));
    }

    [Fact]
    public async Task UnknownRoute_Get_Returns404Envelope()
    {
        var r = await _daemon.Api.GetAsync("api/v1/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, r.Status);
        Assert.Equal("not_found", r.ErrorCode);
        Assert.Equal("application/json", r.ContentType);
        var root = await _daemon.Api.GetAsync("/");
        Assert.Equal("not_found", root.ErrorCode);
    }

    [Fact]
    public async Task WrongMethod_OnKnownRoute_Returns405Envelope()
    {
        var r = await _daemon.Api.DeleteAsync("api/v1/health");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.Status);
        Assert.Equal("method_not_allowed", r.ErrorCode);
        var get = await _daemon.Api.GetAsync("api/v1/actions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.Status);
    }

    [Fact]
    public async Task OpenApi_ListsEveryRoute()
    {
        var r = await _daemon.Api.GetAsync("api/v1/openapi.json");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.StartsWith("3.", r.Json.GetProperty("openapi").GetString());
        var paths = r.Json.GetProperty("paths");
        (string Path, string Method)[] expected =
        [
            ("/api/v1/health", "get"), ("/api/v1/sessions", "get"), ("/api/v1/sessions", "post"), ("/api/v1/sessions/{id}", "get"),
            ("/api/v1/sessions/{id}/input", "post"), ("/api/v1/sessions/{id}/resize", "post"), ("/api/v1/sessions/{id}/kill", "post"),
            ("/api/v1/sessions/{id}/archive", "post"), ("/api/v1/sessions/{id}/summon", "post"), ("/api/v1/sessions/{id}/sacrifice", "post"),
            ("/api/v1/sessions/{id}/screen", "get"), ("/api/v1/sessions/{id}/events", "get"), ("/api/v1/events", "get"),
            ("/api/v1/sessions/{id}/stream", "get"), ("/api/v1/capabilities", "get"), ("/api/v1/actions", "post"),
            ("/api/v1/rituals/schedules", "get"), ("/api/v1/rituals/schedules", "post"), ("/api/v1/rituals/schedules/{id}", "delete"),
            ("/api/v1/rituals/schedules/{id}/run", "post"), ("/api/v1/openapi.json", "get"),
        ];
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), "missing " + path);
            Assert.True(item.TryGetProperty(method, out _), $"missing {method} {path}");
        }
    }

    [Fact]
    public async Task Capabilities_ReportHarnessSetup()
    {
        // Its own daemon whose PATH is the fake bin folder only (a fake codex, no claude): a claude installed on the
        // machine running the tests must not make "missing_setup" false.
        await using var home = new DaemonHome();
        home.Environment["PATH"] = home.Harness.BinDir;
        var daemon = await home.StartAsync();
        var registered = home.Harness.WriteEcho("myagent");
        home.Register(("myagent", registered), ("ghost", "/nonexistent/ghost"));
        var r = await daemon.Api.GetAsync("api/v1/capabilities");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        var byId = r.Json.GetProperty("capabilities").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c);
        Assert.Equal("available", byId["harness.codex"].GetProperty("status").GetString());
        Assert.Equal("missing_setup", byId["harness.claude"].GetProperty("status").GetString());
        Assert.Equal("available", byId["harness.myagent"].GetProperty("status").GetString());
        Assert.Equal("missing_setup", byId["harness.ghost"].GetProperty("status").GetString());
        Assert.Contains("session.launch", byId["harness.codex"].GetProperty("actionIds").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("available", byId["sessions"].GetProperty("status").GetString());
        Assert.Equal("available", byId["rituals"].GetProperty("status").GetString());
        Assert.Equal("Codex", byId["harness.codex"].GetProperty("label").GetString());
        Assert.Equal("codex", byId["harness.codex"].GetProperty("owningAdapter").GetString());
    }

    [Fact]
    public async Task Actions_UnknownId_Returns400UnknownAction()
    {
        var r = await _daemon.Api.PostAsync("api/v1/actions", """{"action":"session.explode","sessionId":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("unknown_action", r.ErrorCode);
        var missing = await _daemon.Api.PostAsync("api/v1/actions", "{}");
        Assert.Equal("invalid_request", missing.ErrorCode);
        var wrongType = await _daemon.Api.PostAsync("api/v1/actions", """{"action": 5}""");
        Assert.Equal("invalid_request", wrongType.ErrorCode);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("01a211d6-d947-7118-844c-dae0e97e6935")]
    [InlineData("%00%01")]
    [InlineData("0193a5f0-0000-7000-8000-00000000000%27")]
    [InlineData("%E2%98%83")]
    public async Task SessionRoutes_OddIds_Return404NeverServerError(string id)
    {
        foreach (var (method, path) in new[]
        {
            ("GET", $"api/v1/sessions/{id}"), ("GET", $"api/v1/sessions/{id}/events"), ("GET", $"api/v1/sessions/{id}/screen"),
            ("POST", $"api/v1/sessions/{id}/input"), ("POST", $"api/v1/sessions/{id}/kill"), ("POST", $"api/v1/sessions/{id}/archive"),
            ("POST", $"api/v1/sessions/{id}/summon"), ("POST", $"api/v1/sessions/{id}/resize"), ("GET", $"api/v1/sessions/{id}/stream"),
        })
        {
            var r = method == "GET" ? await _daemon.Api.GetAsync(path) : await _daemon.Api.PostAsync(path, path.EndsWith("input") ? """{"data":"x"}""" : path.EndsWith("resize") ? """{"cols":80,"rows":24}""" : null);
            Assert.True(r.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{method} {path}: {r}");

            // Kestrel itself rejects a NUL in the decoded path with an empty 400 before any middleware runs.
            if (!id.Contains("%00", StringComparison.Ordinal))
            {
                Assert.NotNull(r.ErrorCode);
            }
        }
    }

    [Fact]
    public async Task SessionList_BadQueryValues_Return400()
    {
        foreach (var q in new[] { "status=running", "status=live,bogus", "limit=0", "limit=1001", "limit=abc", "includeArchived=maybe", "cursor=zzz", "idPrefix=01A2", "idPrefix=01a2%25", "idPrefix=" + new string('0', 37) })
        {
            var r = await _daemon.Api.GetAsync("api/v1/sessions?" + q);
            Assert.True(r.Status == HttpStatusCode.BadRequest, q + ": " + r);
            Assert.Equal("invalid_request", r.ErrorCode);
        }

        var ok = await _daemon.Api.GetAsync("api/v1/sessions?status=live,finished&limit=1000&includeArchived=true");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(JsonValueKind.Array, ok.Json.GetProperty("sessions").ValueKind);
        Assert.Equal(JsonValueKind.Null, ok.Json.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Events_BadQueryValues_Return400()
    {
        foreach (var q in new[] { "afterSeq=-1", "afterSeq=x", "limit=0", "sessionId=nope" })
        {
            var r = await _daemon.Api.GetAsync("api/v1/events?" + q);
            Assert.True(r.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, q + ": " + r);
        }

        var page = await _daemon.Api.GetAsync("api/v1/events?limit=5000");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.False(page.Json.GetProperty("hasMore").GetBoolean());
    }
}
