using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Issue 15, "fix on the way": event cursors, event order on a fast exit, launch fields that fail closed.</summary>
public sealed class StoreFixesTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        _home.Harness.Write("claude", "exit 0");
        _daemon = await _home.StartAsync();
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private Api Api => _daemon.Api;

    [Fact]
    public async Task Events_the_last_page_still_has_a_cursor_after_its_last_event()
    {
        var id = await Api.LaunchAsync(_home.Project, "codex", "p");
        await Api.WaitForOutputAsync(id, "ready");

        // An ended session records nothing more (a live one gains activity events while the test pages).
        await Api.PostAsync($"api/v1/sessions/{id}/kill", """{"signal":"KILL","graceMs":0}""");
        Assert.True(await Eventually.TrueAsync(async () => await Api.StatusAsync(id) is "failed" or "finished", TimeSpan.FromSeconds(15)), "the session did not end");

        var page = await Api.GetAsync($"api/v1/sessions/{id}/events?limit=1000");
        Assert.False(page.Json.GetProperty("hasMore").GetBoolean());
        var last = page.Json.GetProperty("events").EnumerateArray().Last().GetProperty("seq").GetInt64();
        Assert.Equal(last, page.Json.GetProperty("nextCursor").GetProperty("afterSeq").GetInt64());

        // Polling from there: an empty page keeps the position.
        var empty = await Api.GetAsync($"api/v1/sessions/{id}/events?afterSeq={last}");
        Assert.Equal(0, empty.Json.GetProperty("events").GetArrayLength());
        Assert.Equal(last, empty.Json.GetProperty("nextCursor").GetProperty("afterSeq").GetInt64());

        // A page cut by the limit: the cursor is its last event (as before).
        var first = await Api.GetAsync($"api/v1/events?sessionId={id}&limit=1");
        Assert.True(first.Json.GetProperty("hasMore").GetBoolean());
        Assert.Equal(
            first.Json.GetProperty("events")[0].GetProperty("seq").GetInt64(),
            first.Json.GetProperty("nextCursor").GetProperty("afterSeq").GetInt64());
    }

    [Fact]
    public async Task A_harness_that_exits_at_once_has_its_exit_after_going_live()
    {
        for (var i = 0; i < 6; i++)
        {
            var r = await Api.PostAsync("api/v1/sessions", JsonSerializer.Serialize(new { projectRoot = _home.Project, harness = "claude", prompt = "x" }));
            Assert.Equal(HttpStatusCode.Created, r.Status);
            var id = r.Json.GetProperty("id").GetString()!;
            Assert.True(await Eventually.TrueAsync(async () => await Api.StatusAsync(id) == "finished", CastTestKit.Timeout, TimeSpan.FromMilliseconds(20)));

            var events = (await Api.GetAsync($"api/v1/sessions/{id}/events")).Json.GetProperty("events").EnumerateArray().ToList();
            var kinds = events.Select(e => e.GetProperty("kind").GetString()!).ToList();
            var live = events.FindIndex(e => e.GetProperty("kind").GetString() == "lifecycle" && e.GetProperty("payloadJson").GetString()!.Contains("\"to\":\"live\"", StringComparison.Ordinal));
            var exit = kinds.IndexOf("exit");
            Assert.True(live >= 0 && exit > live, "order: " + string.Join(", ", events.Select(e => e.GetProperty("kind").GetString() + " " + e.GetProperty("payloadJson").GetString())));
            Assert.DoesNotContain(events.Take(live), e => e.GetProperty("kind").GetString() is "output" or "exit");
        }
    }

    [Theory]
    [InlineData("executionBinding", "{\"kind\":\"container\"}")]
    [InlineData("launchMode", "\"nonInteractive\"")]
    [InlineData("launchPolicy", "{\"approval\":\"never\"}")]
    public async Task Launch_fields_that_would_change_what_runs_are_refused(string field, string value)
    {
        var body = $$"""{"projectRoot":{{JsonSerializer.Serialize(_home.Project)}},"harness":"codex","prompt":"p","{{field}}":{{value}}}""";
        var r = await Api.PostAsync("api/v1/sessions", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("invalid_request", r.ErrorCode);
        Assert.Equal(field, r.Json.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
        Assert.Contains(field + " is not supported", r.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var control = await Api.PostAsync("api/v1/actions", $$"""{"action":"launch","args":{{body}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, control.Status);

        var sessions = await Api.GetAsync("api/v1/sessions");
        Assert.Equal(0, sessions.Json.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task Interactive_launch_mode_and_cosmetic_unknown_fields_are_accepted()
    {
        var body = $$"""{"projectRoot":{{JsonSerializer.Serialize(_home.Project)}},"harness":"codex","prompt":"p","launchMode":"interactive","color":"blue","launchPolicy":null}""";
        var r = await Api.PostAsync("api/v1/sessions", body);
        Assert.Equal(HttpStatusCode.Created, r.Status);
    }
}
