using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

public sealed class SessionOperationTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private Api Api => _daemon.Api;

    private async Task<string> FinishedSessionAsync(int code = 0)
    {
        var id = await Api.LaunchAsync(_home.Project);
        Assert.Equal(HttpStatusCode.Accepted, (await Api.PostAsync($"api/v1/sessions/{id}/input", $$"""{"data":"exit {{code}}\r"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => await Api.StatusAsync(id) != "live", s_timeout));
        return id;
    }

    [Fact]
    public async Task Input_LiveSession_ReachesHarnessAndIsRecorded()
    {
        var id = await Api.LaunchAsync(_home.Project);
        var r = await Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"hello there\r"}""");
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        Assert.True(r.Json.GetProperty("accepted").GetBoolean());
        Assert.True(await Eventually.TrueAsync(async () => (await Api.OutputAsync(id)).Contains("got: hello there", StringComparison.Ordinal), s_timeout));
        var b64 = await Api.PostAsync($"api/v1/sessions/{id}/input", """{"dataBase64":"YmFzZTY0DQ=="}""");
        Assert.Equal(HttpStatusCode.Accepted, b64.Status);
        Assert.True(await Eventually.TrueAsync(async () => (await Api.OutputAsync(id)).Contains("got: base64", StringComparison.Ordinal), s_timeout));
        var inputs = await Api.GetAsync($"api/v1/sessions/{id}/events?kind=input");
        Assert.Equal(2, inputs.Json.GetProperty("events").GetArrayLength());
        Assert.Equal("{\"data\":\"hello there\\r\"}", inputs.Json.GetProperty("events")[0].GetProperty("payloadJson").GetString());
    }

    [Fact]
    public async Task Input_Errors_MapToEnvelope()
    {
        var id = await Api.LaunchAsync(_home.Project);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/input", "{}")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/input", """{"data": 42}""")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/input", """{"dataBase64": "***"}""")).ErrorCode);
        var big = await Api.PostAsync($"api/v1/sessions/{id}/input", JsonSerializer.Serialize(new { data = new string('x', 64 * 1024 + 1) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.Status);
        Assert.Equal("payload_too_large", big.ErrorCode);
        var exact = await Api.PostAsync($"api/v1/sessions/{id}/input", JsonSerializer.Serialize(new { data = new string('y', 1000) + "\r" }));
        Assert.Equal(HttpStatusCode.Accepted, exact.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("api/v1/sessions/0193a5f0-0000-7000-8000-000000000000/input", """{"data":"x"}""")).Status);
    }

    [Fact]
    public async Task InputAndKill_FinishedOrArchivedSession_Return409()
    {
        var id = await FinishedSessionAsync(0);
        var s = await Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("finished", s.Json.GetProperty("status").GetString());
        Assert.Equal(0, s.Json.GetProperty("exitCode").GetInt32());
        Assert.Equal("exited", s.Json.GetProperty("endReason").GetString());

        var input = await Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"x"}""");
        Assert.Equal(HttpStatusCode.Conflict, input.Status);
        Assert.Equal("session_not_live", input.ErrorCode);
        Assert.Equal("finished", input.Json.GetProperty("error").GetProperty("details").GetProperty("status").GetString());
        var resize = await Api.PostAsync($"api/v1/sessions/{id}/resize", """{"cols":80,"rows":24}""");
        Assert.Equal("session_not_live", resize.ErrorCode);
        var kill = await Api.PostAsync($"api/v1/sessions/{id}/kill");
        Assert.Equal(HttpStatusCode.Conflict, kill.Status);
        Assert.Equal("invalid_transition", kill.ErrorCode);
        Assert.Equal(["session.archive", "session.sacrifice"], kill.Json.GetProperty("error").GetProperty("details").GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!).Order());
        // An ended session's screen is its recorded output replayed (docs/api.md), marked "live": false.
        var screen = await Api.GetAsync($"api/v1/sessions/{id}/screen");
        Assert.Equal(HttpStatusCode.OK, screen.Status);
        Assert.False(screen.Json.GetProperty("live").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync($"api/v1/sessions/{id}/archive")).Status);
        Assert.Equal("session_not_live", (await Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"x"}""")).ErrorCode);
        Assert.Equal("invalid_transition", (await Api.PostAsync($"api/v1/sessions/{id}/kill")).ErrorCode);
    }

    [Fact]
    public async Task Kill_HarnessThatTrapsTermAndExitsZero_StillEndsFailedKilled()
    {
        // The rule (docs/session-lifecycle.md): an end caused by a kill request is `failed` with endReason `killed`,
        // whatever the exit status; the exit code is kept as the harness reported it.
        _home.Harness.Write("codex", "trap 'printf \"bye\\n\"; exit 0' TERM\nprintf 'trapping\\n'\nwhile :; do sleep 0.05; done");
        var id = await Api.LaunchAsync(_home.Project);
        await Api.WaitForOutputAsync(id, "trapping");

        var r = await Api.PostAsync($"api/v1/sessions/{id}/kill", """{"signal":"TERM","graceMs":5000}""");
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        Assert.True(await Eventually.TrueAsync(async () => await Api.StatusAsync(id) != "live", s_timeout));

        var s = await Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("failed", s.Json.GetProperty("status").GetString());
        Assert.Equal("killed", s.Json.GetProperty("endReason").GetString());
        Assert.Equal(0, s.Json.GetProperty("exitCode").GetInt32());
        Assert.Contains("bye", await Api.OutputAsync(id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_LiveSession_EndsFailedKilled()
    {
        _home.Harness.Write("codex", "trap '' TERM\nprintf 'stubborn\\n'\nwhile :; do sleep 1; done");
        var id = await Api.LaunchAsync(_home.Project);
        var r = await Api.PostAsync($"api/v1/sessions/{id}/kill", """{"signal":"TERM","graceMs":200}""");
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        Assert.True(r.Json.GetProperty("accepted").GetBoolean());
        Assert.True(await Eventually.TrueAsync(async () => await Api.StatusAsync(id) == "failed", s_timeout));
        var s = await Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("killed", s.Json.GetProperty("endReason").GetString());
        var kills = await Api.GetAsync($"api/v1/sessions/{id}/events?kind=kill");
        Assert.Equal("{\"signal\":\"SIGTERM\",\"graceMs\":200}", kills.Json.GetProperty("events")[0].GetProperty("payloadJson").GetString());
        var exit = await Api.GetAsync($"api/v1/sessions/{id}/events?kind=exit");
        Assert.Contains("SIGKILL", exit.Json.GetProperty("events")[0].GetProperty("payloadJson").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_BadArguments_Return400()
    {
        var id = await Api.LaunchAsync(_home.Project);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/kill", """{"signal":"NOPE"}""")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs":-5}""")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs":"soon"}""")).ErrorCode);
        Assert.Equal("live", await Api.StatusAsync(id));
    }

    [Fact]
    public async Task Resize_LiveSession_RecordsSize()
    {
        var id = await Api.LaunchAsync(_home.Project);
        var r = await Api.PostAsync($"api/v1/sessions/{id}/resize", """{"cols":90,"rows":33}""");
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        var s = await Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal(90, s.Json.GetProperty("cols").GetInt32());
        Assert.Equal(33, s.Json.GetProperty("rows").GetInt32());
        var events = await Api.GetAsync($"api/v1/sessions/{id}/events?kind=resize");
        Assert.Equal("{\"cols\":90,\"rows\":33}", events.Json.GetProperty("events")[0].GetProperty("payloadJson").GetString());
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/resize", """{"cols":0,"rows":33}""")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/resize", """{"cols":80}""")).ErrorCode);
    }

    [Fact]
    public async Task Screen_LiveSession_ReturnsGrid()
    {
        var id = await Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), s_timeout));
        var r = await Api.GetAsync($"api/v1/sessions/{id}/screen");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(120, r.Json.GetProperty("cols").GetInt32());
        Assert.Equal(40, r.Json.GetProperty("rows").GetInt32());
        Assert.True(r.Json.GetProperty("cursor").TryGetProperty("row", out _));
        Assert.Contains(r.Json.GetProperty("lines").EnumerateArray(), l => l.GetString()!.Contains("ready", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Screen_LaneStopped_AnswersLaneTimeout_ThenWorksAgain()
    {
        var id = await Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), s_timeout));
        int lanePid;
        using (var store = _home.OpenStore())
        {
            lanePid = store.Sessions.Get(Core.SessionId.Parse(id))!.Lane!.Value.Pid;
        }

        // The daemon attaches to a new lane after answering the launch (health waits for that): a lane stopped before
        // it answered the daemon's hello is not attached at all, and the screen request would not reach it
        // (RecoveryTests cover that case).
        Assert.True(await Api.LaneAttachedAsync(id), "the lane was not attached after the launch");

        // A real fault: the lane is stopped, its socket accepts the request and nothing answers.
        Assert.Equal(0, ProcessTools.Kill(lanePid, Core.Signals.SIGSTOP));
        try
        {
            var r = await Api.GetAsync($"api/v1/sessions/{id}/screen");
            var state = Core.ProcStat.TryRead(lanePid, out var stat) ? stat.State : '?';
            Assert.True(
                r.Status == HttpStatusCode.GatewayTimeout,
                $"{(int)r.Status} with lane {lanePid} in state {state}, session {await Api.StatusAsync(id)}: {r.Text[..Math.Min(r.Text.Length, 600)]}");
            Assert.Equal("lane_timeout", r.ErrorCode);
            Assert.True(r.Json.GetProperty("error").GetProperty("details").GetProperty("sent").GetBoolean(), r.Text);
        }
        finally
        {
            ProcessTools.Kill(lanePid, Core.Signals.SIGCONT);
        }

        Assert.True(await Eventually.TrueAsync(async () => (await Api.GetAsync($"api/v1/sessions/{id}/screen")).Status == HttpStatusCode.OK, s_timeout));
        Assert.Equal("live", await Api.StatusAsync(id));
    }

    [Fact]
    public async Task ArchiveSummonSacrifice_FollowLifecycle()
    {
        var live = await Api.LaunchAsync(_home.Project);
        var archiveLive = await Api.PostAsync($"api/v1/sessions/{live}/archive");
        Assert.Equal(HttpStatusCode.Conflict, archiveLive.Status);
        Assert.Equal("invalid_transition", archiveLive.ErrorCode);
        Assert.Equal("live", archiveLive.Json.GetProperty("error").GetProperty("details").GetProperty("status").GetString());
        var sacrificeLive = await Api.PostAsync($"api/v1/sessions/{live}/sacrifice", """{"confirm":true}""");
        Assert.Equal(HttpStatusCode.Conflict, sacrificeLive.Status);
        Assert.Equal("invalid_transition", sacrificeLive.ErrorCode);

        var id = await FinishedSessionAsync(3);
        var failed = await Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("failed", failed.Json.GetProperty("status").GetString());
        Assert.Equal(3, failed.Json.GetProperty("exitCode").GetInt32());

        var archived = await Api.PostAsync($"api/v1/sessions/{id}/archive");
        Assert.Equal(HttpStatusCode.OK, archived.Status);
        Assert.Equal("archived", archived.Json.GetProperty("status").GetString());
        Assert.True(archived.Json.GetProperty("archived").GetBoolean());
        Assert.Equal(["session.sacrifice", "session.summon"], archived.Json.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!).Order());
        var list = await Api.GetAsync("api/v1/sessions");
        Assert.DoesNotContain(id, list.Json.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var withArchived = await Api.GetAsync("api/v1/sessions?includeArchived=true");
        Assert.Contains(id, withArchived.Json.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var byPrefix = await Api.GetAsync($"api/v1/sessions?includeArchived=true&idPrefix={id[..20]}");
        Assert.Equal([id], byPrefix.Json.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var byShortPrefix = await Api.GetAsync($"api/v1/sessions?includeArchived=true&idPrefix={id[..8]}");
        var shortIds = byShortPrefix.Json.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Contains(id, shortIds);
        Assert.All(shortIds, s => Assert.StartsWith(id[..8], s, StringComparison.Ordinal));
        Assert.Empty((await Api.GetAsync($"api/v1/sessions?includeArchived=true&idPrefix=ffffffff")).Json.GetProperty("sessions").EnumerateArray());

        var summoned = await Api.PostAsync($"api/v1/sessions/{id}/summon");
        Assert.Equal(HttpStatusCode.OK, summoned.Status);
        Assert.Equal("failed", summoned.Json.GetProperty("status").GetString());
        Assert.Equal("invalid_transition", (await Api.PostAsync($"api/v1/sessions/{id}/summon")).ErrorCode);

        var noConfirm = await Api.PostAsync($"api/v1/sessions/{id}/sacrifice");
        Assert.Equal(HttpStatusCode.BadRequest, noConfirm.Status);
        Assert.Equal("invalid_request", noConfirm.ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm":false}""")).ErrorCode);
        Assert.Equal("invalid_request", (await Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm":"yes"}""")).ErrorCode);

        var events = (await Api.GetAsync($"api/v1/sessions/{id}/events?limit=1000")).Json.GetProperty("events").GetArrayLength();
        var sacrificed = await Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm":true}""");
        Assert.Equal(HttpStatusCode.OK, sacrificed.Status);
        Assert.Equal(id, sacrificed.Json.GetProperty("sacrificed").GetString());
        Assert.Equal(events, sacrificed.Json.GetProperty("eventsDeleted").GetInt64());
        Assert.Equal("session_not_found", (await Api.GetAsync($"api/v1/sessions/{id}")).ErrorCode);
        Assert.Equal("session_not_found", (await Api.GetAsync($"api/v1/sessions/{id}/events")).ErrorCode);
        Assert.Equal("session_not_found", (await Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm":true}""")).ErrorCode);
    }

    [Fact]
    public async Task Actions_SameAnswersAsDirectRoutes()
    {
        var id = await FinishedSessionAsync(0);
        var direct = await Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"x"}""");
        var action = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.input", sessionId = id, args = new { data = "x" } }));
        Assert.Equal(direct.Status, action.Status);
        Assert.Equal(direct.Text, action.Text);

        var killDirect = await Api.PostAsync($"api/v1/sessions/{id}/kill");
        var killAction = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.kill", sessionId = id }));
        Assert.Equal(killDirect.Status, killAction.Status);
        Assert.Equal(killDirect.Text, killAction.Text);

        var archived = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.archive", sessionId = id }));
        Assert.Equal(HttpStatusCode.OK, archived.Status);
        Assert.Equal("archived", archived.Json.GetProperty("status").GetString());
        var summoned = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.summon", sessionId = id }));
        Assert.Equal("finished", summoned.Json.GetProperty("status").GetString());
        var noConfirm = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.sacrifice", sessionId = id }));
        Assert.Equal("invalid_request", noConfirm.ErrorCode);
        var sacrificed = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.sacrifice", sessionId = id, args = new { confirm = true } }));
        Assert.Equal(HttpStatusCode.OK, sacrificed.Status);
        var missingId = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.kill" }));
        Assert.Equal("invalid_request", missingId.ErrorCode);
        var unknownSession = await Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "session.archive", sessionId = "nope" }));
        Assert.Equal("session_not_found", unknownSession.ErrorCode);
    }

    [Fact]
    public async Task Events_Paging_UsesSeqCursor()
    {
        var id = await Api.LaunchAsync(_home.Project);
        for (var i = 0; i < 5; i++)
        {
            await Api.PostAsync($"api/v1/sessions/{id}/input", $$"""{"data":"line {{i}}\r"}""");
        }

        var all = await Api.GetAsync($"api/v1/sessions/{id}/events?limit=1000");
        var count = all.Json.GetProperty("events").GetArrayLength();
        Assert.True(count >= 7);
        var first = await Api.GetAsync($"api/v1/sessions/{id}/events?limit=2");
        Assert.True(first.Json.GetProperty("hasMore").GetBoolean());
        var after = first.Json.GetProperty("nextCursor").GetProperty("afterSeq").GetInt64();
        Assert.Equal(first.Json.GetProperty("events")[1].GetProperty("seq").GetInt64(), after);
        var second = await Api.GetAsync($"api/v1/sessions/{id}/events?limit=2&afterSeq={after}");
        Assert.True(second.Json.GetProperty("events")[0].GetProperty("seq").GetInt64() > after);
        // The harness may still be echoing: the global route must return the same events, possibly followed by newer ones.
        var global = await Api.GetAsync($"api/v1/events?sessionId={id}&limit=1000");
        var globalSeqs = global.Json.GetProperty("events").EnumerateArray().Select(x => x.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(all.Json.GetProperty("events").EnumerateArray().Select(x => x.GetProperty("seq").GetInt64()), globalSeqs.Take(count));
        var e = all.Json.GetProperty("events")[0];
        foreach (var field in new[] { "seq", "id", "sessionId", "kind", "payloadJson", "createdAt" })
        {
            Assert.True(e.TryGetProperty(field, out _), field);
        }

        Assert.Equal("lifecycle", e.GetProperty("kind").GetString());
        Assert.Equal("{\"from\":null,\"to\":\"pending\",\"trigger\":\"Launch\",\"reason\":null}", e.GetProperty("payloadJson").GetString());
    }

    [Fact]
    public async Task SessionList_PagesWithCursor()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Api.LaunchAsync(_home.Project));
        }

        var page1 = await Api.GetAsync("api/v1/sessions?limit=2");
        Assert.Equal(2, page1.Json.GetProperty("sessions").GetArrayLength());
        Assert.Equal(ids[2], page1.Json.GetProperty("sessions")[0].GetProperty("id").GetString());
        var cursor = page1.Json.GetProperty("nextCursor").GetString();
        var page2 = await Api.GetAsync("api/v1/sessions?limit=2&cursor=" + Uri.EscapeDataString(cursor!));
        Assert.Equal(ids[0], page2.Json.GetProperty("sessions")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, page2.Json.GetProperty("nextCursor").ValueKind);
    }
}
