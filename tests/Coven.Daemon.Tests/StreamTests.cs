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
    public async Task StreamAll_StartsNow_AndCarriesTheAskedKindsOfEverySession()
    {
        var earlier = await _daemon.Api.LaunchAsync(_home.Project);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        List<SseReader.SseEvent> events;
        using (var stream = await SseReader.OpenAsync(_daemon.Client, "api/v1/events/stream?kind=lifecycle,exit", cts.Token))
        {
            var first = await _daemon.Api.LaunchAsync(_home.Project);
            var second = await _daemon.Api.LaunchAsync(_home.Project);
            foreach (var id in new[] { second, earlier, first })
            {
                await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"exit 0\r"}""");
            }

            var finished = new HashSet<string>();
            events = await stream.ReadUntilAsync(
                e =>
                {
                    if (e.Event == "lifecycle" && Payload(e).GetProperty("to").GetString() == "finished")
                    {
                        finished.Add(SessionOf(e));
                    }

                    return finished.Count == 3;
                },
                cts.Token);

            // Only the asked kinds, in seq order; the new sessions' whole lives, nothing of the earlier one's start.
            Assert.All(events, e => Assert.Contains(e.Event, new[] { "lifecycle", "exit" }));
            Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
            foreach (var id in new[] { first, second })
            {
                Assert.Equal(["pending", "live", "finished"], events.Where(e => SessionOf(e) == id && e.Event == "lifecycle").Select(e => Payload(e).GetProperty("to").GetString()));
                Assert.Single(events, e => SessionOf(e) == id && e.Event == "exit");
            }

            Assert.Equal(["finished"], events.Where(e => SessionOf(e) == earlier && e.Event == "lifecycle").Select(e => Payload(e).GetProperty("to").GetString()));
        }

        // afterSeq replays the stored events of those kinds after it (a reconnecting client misses nothing).
        var cut = events[2].Id;
        using (var again = await SseReader.OpenAsync(_daemon.Client, $"api/v1/events/stream?kind=lifecycle,exit&afterSeq={cut}", cts.Token))
        {
            var last = events[^1].Id;
            var replayed = await again.ReadUntilAsync(e => e.Id >= last, cts.Token);
            Assert.Equal(events.Where(e => e.Id > cut).Select(e => e.Id), replayed.Select(e => e.Id));
        }

        var bad = await _daemon.Api.GetAsync("api/v1/events/stream?kind=output;drop");
        Assert.Equal("invalid_request", bad.ErrorCode);
    }

    private static JsonElement Payload(SseReader.SseEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        using var payload = JsonDocument.Parse(data.RootElement.GetProperty("payloadJson").GetString()!);
        return payload.RootElement.Clone();
    }

    private static string SessionOf(SseReader.SseEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        return data.RootElement.GetProperty("sessionId").GetString()!;
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
