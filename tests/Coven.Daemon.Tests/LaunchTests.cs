using System.Net;
using System.Text;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

public sealed class LaunchTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private static string Body(object o) => JsonSerializer.Serialize(o);

    [Fact]
    public async Task Launch_ValidRequest_Returns201LiveWithPromptAsOneArgument()
    {
        Directory.CreateDirectory(Path.Combine(_home.Project, "sub"));
        var prompt = "fix tests; $(touch /tmp/pwned) `id` \"quoted\" 'single' *";
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, cwd = "sub", harness = "codex", prompt, cols = 100, rows = 30 }));
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var s = r.Json;
        Assert.Equal("live", s.GetProperty("status").GetString());
        Assert.Equal(_home.Project, s.GetProperty("projectRoot").GetString());
        Assert.Equal(Path.Combine(_home.Project, "sub"), s.GetProperty("cwd").GetString());
        Assert.Equal("codex", s.GetProperty("harness").GetString());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("exitCode").ValueKind);
        Assert.Equal(JsonValueKind.Null, s.GetProperty("endReason").ValueKind);
        Assert.False(s.GetProperty("archived").GetBoolean());
        Assert.Equal(["session.input", "session.kill", "session.resize"], s.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!).Order());
        var id = s.GetProperty("id").GetString()!;

        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        var output = await _daemon.Api.OutputAsync(id);
        Assert.Contains("arg: " + prompt, output, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/pwned"));

        var listed = await _daemon.Api.GetAsync("api/v1/sessions?status=live&harness=codex&projectRoot=" + Uri.EscapeDataString(_home.Project));
        Assert.Contains(id, listed.Json.GetProperty("sessions").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Launch_UnknownHarness_Returns400UnknownHarness()
    {
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, harness = "rm -rf" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("unknown_harness", r.ErrorCode);
    }

    [Fact]
    public async Task Launch_MissingExecutable_Returns400HarnessUnavailable()
    {
        // The caller's PATH finds the harness: the fake bin folder only, so a claude installed on this machine is not seen.
        var environment = new Dictionary<string, string> { ["PATH"] = _home.Harness.BinDir };
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, harness = "claude", environment }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("harness_unavailable", r.ErrorCode);
        Assert.Contains("npm install", r.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_200kCharacterPrompt_Returns400_RecordsNothing()
    {
        // Issue 12 item 14: execve would refuse this argument with E2BIG; the request is refused before a row exists.
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, harness = "codex", prompt = new string('p', 200_000) }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("invalid_request", r.ErrorCode);
        Assert.Contains("MAX_ARG_STRLEN", r.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var listed = await _daemon.Api.GetAsync("api/v1/sessions");
        Assert.Empty(listed.Json.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task Launch_FilesystemRootAsProjectRoot_Returns400ProjectRootInvalid()
    {
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = "/", cwd = "etc", harness = "codex" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("project_root_invalid", r.ErrorCode);
    }

    [Fact]
    public async Task Launch_RegisteredHarness_Launches()
    {
        var exe = _home.Harness.WriteEcho("mine");
        _home.Register(("mine", exe));
        var id = await _daemon.Api.LaunchAsync(_home.Project, "mine", "do it");
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("arg: do it", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Launch_HarnessThatCannotExec_Returns500LaunchFailedAndFailedSession()
    {
        var broken = _home.Harness.Write("broken", "true");
        await File.WriteAllTextAsync(broken, "#!/nonexistent/interpreter\n");
        _home.Register(("broken", broken));
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, harness = "broken" }));
        Assert.Equal(HttpStatusCode.InternalServerError, r.Status);
        Assert.Equal("launch_failed", r.ErrorCode);
        var details = r.Json.GetProperty("error").GetProperty("details");
        var id = details.GetProperty("sessionId").GetString()!;
        Assert.False(string.IsNullOrEmpty(details.GetProperty("reason").GetString()));
        var s = await _daemon.Api.GetAsync("api/v1/sessions/" + id);
        Assert.Equal("failed", s.Json.GetProperty("status").GetString());
        Assert.Equal("spawn_failed", s.Json.GetProperty("endReason").GetString());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("file")]
    [InlineData("relative")]
    [InlineData("empty")]
    public async Task Launch_BadProjectRoot_Returns400(string kind)
    {
        var file = Path.Combine(_home.Home, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var root = kind switch
        {
            "missing" => Path.Combine(_home.Home, "does-not-exist"),
            "file" => file,
            "relative" => "proj",
            _ => string.Empty,
        };
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = root, harness = "codex" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(kind == "empty" ? "invalid_request" : "project_root_invalid", r.ErrorCode);
    }

    [Fact]
    public async Task Launch_CwdEscapingByDotDot_Returns400PathOutsideRoot()
    {
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, cwd = "../bin", harness = "codex" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("path_outside_root", r.ErrorCode);
        var abs = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, cwd = "/tmp", harness = "codex" }));
        Assert.Equal("path_outside_root", abs.ErrorCode);
    }

    [Fact]
    public async Task Launch_CwdEscapingBySymlink_Returns400PathOutsideRoot()
    {
        File.CreateSymbolicLink(Path.Combine(_home.Project, "escape"), _home.Harness.BinDir);
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, cwd = "escape", harness = "codex" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("path_outside_root", r.ErrorCode);
    }

    [Fact]
    public async Task Launch_SiblingWithCommonPrefix_Returns400PathOutsideRoot()
    {
        var sibling = _home.Project + "x";
        Directory.CreateDirectory(sibling);
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, cwd = sibling, harness = "codex" }));
        Assert.Equal("path_outside_root", r.ErrorCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("{\"projectRoot\": 5, \"harness\": \"codex\"}")]
    [InlineData("{\"projectRoot\": \"/tmp\", \"harness\": \"codex\", \"cols\": \"wide\"}")]
    [InlineData("{\"harness\": \"codex\"}")]
    [InlineData("{\"projectRoot\": \"/tmp\"}")]
    [InlineData("{\"projectRoot\": \"/tmp\", \"harness\": \"codex\", \"cols\": 0}")]
    public async Task Launch_MalformedOrIncomplete_Returns400InvalidRequest(string body)
    {
        var r = await _daemon.Api.PostAsync("api/v1/sessions", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("invalid_request", r.ErrorCode);
        Assert.Equal("application/json", r.ContentType);
    }

    [Fact]
    public async Task Launch_UnknownFields_AreIgnored()
    {
        var r = await _daemon.Api.PostAsync("api/v1/sessions", Body(new { projectRoot = _home.Project, harness = "codex", prompt = "x", futureField = new { a = 1 } }));
        Assert.Equal(HttpStatusCode.Created, r.Status);
    }

    [Fact]
    public async Task Launch_TwoMegabyteBody_Returns413()
    {
        var big = "{\"projectRoot\":\"" + new string('a', 2 * 1024 * 1024) + "\",\"harness\":\"codex\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/sessions") { Content = new StringContent(big, Encoding.UTF8, "application/json") };

        // With 100-continue the daemon can refuse before the body is sent, so the client reads the answer
        // instead of a broken pipe.
        request.Headers.ExpectContinue = true;
        using var response = await _daemon.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("payload_too_large", doc.RootElement.GetProperty("error").GetProperty("code").GetString());

        // The daemon is still fine afterwards.
        Assert.Equal(HttpStatusCode.OK, (await _daemon.Api.GetAsync("api/v1/health")).Status);
    }

    [Fact]
    public async Task Launch_ThroughActions_MatchesDirectRoute()
    {
        var bad = await _daemon.Api.PostAsync("api/v1/actions", Body(new { action = "session.launch", args = new { projectRoot = _home.Project, harness = "nope" } }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("unknown_harness", bad.ErrorCode);
        var ok = await _daemon.Api.PostAsync("api/v1/actions", Body(new { action = "session.launch", args = new { projectRoot = _home.Project, harness = "codex", prompt = "via actions" } }));
        Assert.Equal(HttpStatusCode.Created, ok.Status);
        Assert.Equal("live", ok.Json.GetProperty("status").GetString());
        Assert.Equal("via actions", ok.Json.GetProperty("title").GetString());
    }
}
