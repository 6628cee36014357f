using System.Net;
using System.Text.Json;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

public sealed class RitualTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task Schedules_AddListRunDelete()
    {
        var live = await _daemon.Api.LaunchAsync(_home.Project);
        var done = await _daemon.Api.LaunchAsync(_home.Project);
        await _daemon.Api.PostAsync($"api/v1/sessions/{done}/input", """{"data":"exit 0\r"}""");
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(done) == "finished", TimeSpan.FromSeconds(10)));

        var added = await _daemon.Api.PostAsync("api/v1/rituals/schedules", """{"ritual":"archive","every":"1h","selector":{"statuses":["finished","failed"],"olderThan":"0s"}}""");
        Assert.Equal(HttpStatusCode.Created, added.Status);
        var scheduleId = added.Json.GetProperty("id").GetString()!;
        Assert.Equal("archive", added.Json.GetProperty("ritual").GetString());
        Assert.Equal("1h", added.Json.GetProperty("every").GetString());
        Assert.True(added.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.String, added.Json.GetProperty("nextRunAt").ValueKind);

        var list = await _daemon.Api.GetAsync("api/v1/rituals/schedules");
        Assert.Contains(scheduleId, list.Json.GetProperty("schedules").EnumerateArray().Select(s => s.GetProperty("id").GetString()));

        var run = await _daemon.Api.PostAsync($"api/v1/rituals/schedules/{scheduleId}/run");
        Assert.Equal(HttpStatusCode.OK, run.Status);
        Assert.Equal([done], run.Json.GetProperty("affected").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal("archived", await _daemon.Api.StatusAsync(done));
        Assert.Equal("live", await _daemon.Api.StatusAsync(live));
        var after = await _daemon.Api.GetAsync("api/v1/rituals/schedules");
        Assert.Equal(JsonValueKind.String, after.Json.GetProperty("schedules")[0].GetProperty("lastRunAt").ValueKind);

        var viaAction = await _daemon.Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "rituals.run", args = new { scheduleId } }));
        Assert.Equal(HttpStatusCode.OK, viaAction.Status);
        Assert.Equal(0, viaAction.Json.GetProperty("affected").GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await _daemon.Api.DeleteAsync($"api/v1/rituals/schedules/{scheduleId}")).Status);
        Assert.Equal("schedule_not_found", (await _daemon.Api.DeleteAsync($"api/v1/rituals/schedules/{scheduleId}")).ErrorCode);
        Assert.Equal("schedule_not_found", (await _daemon.Api.PostAsync($"api/v1/rituals/schedules/{scheduleId}/run")).ErrorCode);
    }

    [Fact]
    public async Task Schedule_RunsOnItsOwn()
    {
        var done = await _daemon.Api.LaunchAsync(_home.Project);
        await _daemon.Api.PostAsync($"api/v1/sessions/{done}/input", """{"data":"exit 0\r"}""");
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(done) == "finished", TimeSpan.FromSeconds(10)));
        var added = await _daemon.Api.PostAsync("api/v1/actions", """{"action":"rituals.schedule","args":{"ritual":"archive","every":"1s"}}""");
        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(done) == "archived", TimeSpan.FromSeconds(10)));
        var id = added.Json.GetProperty("id").GetString();
        var removed = await _daemon.Api.PostAsync("api/v1/actions", JsonSerializer.Serialize(new { action = "rituals.unschedule", args = new { scheduleId = id } }));
        Assert.Equal(HttpStatusCode.NoContent, removed.Status);
    }

    [Theory]
    [InlineData("""{"ritual":"explode","every":"1h"}""")]
    [InlineData("""{"ritual":"archive"}""")]
    [InlineData("""{"ritual":"archive","every":"1h","cron":"0 0 * * * ?"}""")]
    [InlineData("""{"ritual":"archive","every":"soon"}""")]
    [InlineData("""{"ritual":"archive","cron":"not a cron"}""")]
    [InlineData("""{"ritual":"archive","every":"1h","selector":{"statuses":["live"]}}""")]
    [InlineData("""{"ritual":"archive","every":"1h","selector":{"statuses":["bogus"]}}""")]
    [InlineData("""{"ritual":"sacrifice","every":"1h","selector":{"olderThan":"a while"}}""")]
    [InlineData("""{"ritual":"archive","every":1}""")]
    public async Task Schedule_Invalid_Returns400(string body)
    {
        var r = await _daemon.Api.PostAsync("api/v1/rituals/schedules", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("invalid_request", r.ErrorCode);
    }

    [Fact]
    public async Task Defaults_InstallIdempotently()
    {
        var first = await _daemon.Api.PostAsync("api/v1/rituals/schedules/defaults");
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var again = await _daemon.Api.PostAsync("api/v1/rituals/schedules/defaults");
        Assert.Equal(first.Json.GetProperty("schedules").GetArrayLength(), again.Json.GetProperty("schedules").GetArrayLength());
        Assert.Equal(2, again.Json.GetProperty("schedules").GetArrayLength());
    }

    [Fact]
    public void DefaultRitualsFile_IsValid()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "workflows", "rituals.default.json")));
        var schedules = doc.RootElement.GetProperty("schedules").EnumerateArray().ToList();
        Assert.NotEmpty(schedules);
        Assert.Equal(schedules.Count, schedules.Select(s => s.GetProperty("id").GetString()).Distinct().Count());
        foreach (var s in schedules)
        {
            Assert.Contains(s.GetProperty("ritual").GetString(), new[] { "archive", "summon", "sacrifice" });
            Assert.True(Durations.TryParse(s.GetProperty("every").GetString(), out var every) && every >= TimeSpan.FromMinutes(1));
            var selector = s.GetProperty("selector");
            Assert.True(Durations.TryParse(selector.GetProperty("olderThan").GetString(), out _));
            foreach (var status in selector.GetProperty("statuses").EnumerateArray())
            {
                Assert.True(WireNames.TryParseStatus(status.GetString(), out var parsed));
                Assert.NotEqual(SessionStatus.Live, parsed);
                Assert.NotEqual(SessionStatus.Pending, parsed);
            }
        }
    }
}
