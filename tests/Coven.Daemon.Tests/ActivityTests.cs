using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// The lane's fallback activity (docs/attention.md) with a real daemon, a real lane and a fake harness that has no
/// native signals: quiet output → idle, output → working, a declared prompt pattern on the screen → waiting; each
/// change is an <c>activity</c> event and is on the session record.
/// </summary>
public sealed class ActivityTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task FallbackActivity_QuietIsIdle_OutputIsWorking_PromptPatternIsWaiting()
    {
        var exe = _home.Harness.Write("quiet", """
            printf 'ready\n'
            while IFS= read -r line; do
              if [ "$line" = ask ]; then printf 'Proceed with the change? [y/n] '; else printf 'got: %s\n' "$line"; fi
            done
            """);
        await File.WriteAllTextAsync(
            Path.Combine(_home.Home, "harnesses.json"),
            JsonSerializer.Serialize(new { harnesses = new[] { new { id = "quiet", executable = exe, idleAfterMs = 600, waitingPatterns = new[] { @"Proceed with the change\? \[y/n\]" } } } }));
        var id = await _daemon.Api.LaunchAsync(_home.Project, "quiet", prompt: null);

        var idle = await WaitForActivityAsync(id, "idle");
        Assert.Contains("no output for 600 ms", idle.GetProperty("activityReason").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, idle.GetProperty("activitySince").ValueKind);

        var waitIdle = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/wait", """{"activity":"idle","timeoutMs":0}""");
        Assert.Equal("matched", waitIdle.Json.GetProperty("outcome").GetString());
        Assert.Equal("idle", waitIdle.Json.GetProperty("match").GetString());
        var notWaiting = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/wait", """{"activity":"waiting","timeoutMs":0}""");
        Assert.Equal("timeout", notWaiting.Json.GetProperty("outcome").GetString());
        var badActivity = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/wait", """{"activity":"sleepy"}""");
        Assert.Equal("invalid_request", badActivity.ErrorCode);

        var before = (await ActivityEventsAsync(id)).Count;
        Assert.Equal(202, (int)(await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"hello\r"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => (await ActivityEventsAsync(id)).Count >= before + 2, TimeSpan.FromSeconds(15)));
        var afterInput = (await ActivityEventsAsync(id))[before..];
        Assert.Equal("working", afterInput[0].GetProperty("activity").GetString());
        Assert.Equal("idle", afterInput[0].GetProperty("previous").GetString());
        Assert.Equal("screen", afterInput[0].GetProperty("source").GetString());
        Assert.Equal("idle", afterInput[1].GetProperty("activity").GetString());
        Assert.Equal("working", afterInput[1].GetProperty("previous").GetString());

        Assert.Equal(202, (int)(await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"ask\r"}""")).Status);
        var waiting = await WaitForActivityAsync(id, "waiting");
        Assert.Contains("Proceed with the change", waiting.GetProperty("activityReason").GetString(), StringComparison.Ordinal);

        // Waiting holds while the prompt is on the screen: after output has been quiet for longer than idleAfterMs
        // (the daemon's settle wait) it has not decayed into idle.
        var settled = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/wait", """{"settleMs":1500,"timeoutMs":15000}""");
        Assert.Equal("settled", settled.Json.GetProperty("outcome").GetString());
        var events = await ActivityEventsAsync(id);
        Assert.Equal("waiting", events[^1].GetProperty("activity").GetString());
        Assert.Equal("waiting", (await _daemon.Api.GetAsync($"api/v1/sessions/{id}")).Json.GetProperty("activity").GetString());
    }

    private async Task<JsonElement> WaitForActivityAsync(string id, string activity)
    {
        JsonElement record = default;
        Assert.True(
            await Eventually.TrueAsync(
                async () =>
                {
                    record = (await _daemon.Api.GetAsync($"api/v1/sessions/{id}")).Json;
                    return record.GetProperty("activity").GetString() == activity;
                },
                TimeSpan.FromSeconds(15)),
            $"session {id} never became {activity}: {record}");
        return record;
    }

    private async Task<List<JsonElement>> ActivityEventsAsync(string id)
    {
        var page = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=activity&limit=1000");
        return [.. page.Json.GetProperty("events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!).RootElement.Clone())];
    }
}
