using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

public sealed class StreamTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task Stream_ManyFollowers_ReplayThenLiveUntilFinalEvent()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        var followers = Enumerable.Range(0, 3)
            .Select(_ => SseReader.ReadAllAsync(_daemon.Client, $"api/v1/sessions/{id}/stream?afterSeq=0", TimeSpan.FromSeconds(30)))
            .ToList();
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"streamed\r"}""");
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("got: streamed", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"exit 0\r"}""");

        var stored = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/events?limit=1000");
        foreach (var follower in followers)
        {
            var events = await follower;
            Assert.Equal("lifecycle", events[^1].Event);
            using var last = JsonDocument.Parse(events[^1].Data);
            Assert.Contains("\"to\":\"finished\"", last.RootElement.GetProperty("payloadJson").GetString(), StringComparison.Ordinal);
            Assert.Contains(events, e => e.Event == "exit");
            Assert.Contains(events, e => e.Event == "input");
            var seqs = events.Select(e => e.Id).ToList();
            Assert.Equal(seqs.Order().Distinct(), seqs);
            using var first = JsonDocument.Parse(events[0].Data);
            Assert.Equal(events[0].Id, first.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(id, first.RootElement.GetProperty("sessionId").GetString());
        }

        var all = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/events?limit=1000");
        var allSeqs = all.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(allSeqs, (await followers[0]).Select(e => e.Id));
        Assert.True(stored.Status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Stream_ReconnectWithLastSeq_MissesNothing()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"exit 0\r"}""");
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) == "finished", TimeSpan.FromSeconds(10)));
        var all = await SseReader.ReadAllAsync(_daemon.Client, $"api/v1/sessions/{id}/stream", TimeSpan.FromSeconds(10));
        var cut = all[all.Count / 2].Id;
        var rest = await SseReader.ReadAllAsync(_daemon.Client, $"api/v1/sessions/{id}/stream?afterSeq={cut}", TimeSpan.FromSeconds(10));
        Assert.Equal(all.Where(e => e.Id > cut).Select(e => e.Id), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task Stream_UnknownSessionOrBadCursor_ReturnsEnvelope()
    {
        var r = await _daemon.Api.GetAsync("api/v1/sessions/0193a5f0-0000-7000-8000-000000000000/stream");
        Assert.Equal("session_not_found", r.ErrorCode);
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        var bad = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/stream?afterSeq=abc");
        Assert.Equal("invalid_request", bad.ErrorCode);
    }
}
