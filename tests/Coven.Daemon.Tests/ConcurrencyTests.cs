using System.Net;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

public sealed class ConcurrencyTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task Kill_TwoConcurrent_ExactlyOneWins()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        var both = await Task.WhenAll(
            _daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs":100}"""),
            _daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs":100}"""));
        Assert.Single(both, r => r.Status == HttpStatusCode.Accepted);
        var loser = Assert.Single(both, r => r.Status != HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.Conflict, loser.Status);
        Assert.Equal("invalid_transition", loser.ErrorCode);
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) == "failed", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Archive_TwoConcurrent_ExactlyOneWins()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"exit 0\r"}""");
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) == "finished", TimeSpan.FromSeconds(10)));
        var all = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _daemon.Api.PostAsync($"api/v1/sessions/{id}/archive")));
        Assert.Single(all, r => r.Status == HttpStatusCode.OK);
        Assert.All(all.Where(r => r.Status != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.Equal("invalid_transition", r.ErrorCode);
        });
        var lifecycle = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=lifecycle");
        Assert.Single(lifecycle.Json.GetProperty("events").EnumerateArray(), e => e.GetProperty("payloadJson").GetString()!.Contains("\"to\":\"archived\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sacrifice_ConcurrentWithSummon_NeverServerError()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"exit 1\r"}""");
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) == "failed", TimeSpan.FromSeconds(10)));
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/archive");
        var all = await Task.WhenAll(
            _daemon.Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm":true}"""),
            _daemon.Api.PostAsync($"api/v1/sessions/{id}/summon"),
            _daemon.Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm":true}"""));
        Assert.All(all, r => Assert.True((int)r.Status < 500, r.ToString()));
        Assert.Single(all, r => r.Status == HttpStatusCode.OK && r.Text.Contains("sacrificed", StringComparison.Ordinal));
    }
}
