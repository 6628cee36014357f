using System.Net;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Pending sessions: a launch whose lane never reported (written straight into the store, as a crashed daemon leaves it).</summary>
public sealed class PendingTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private string AddPending()
    {
        using var store = _home.OpenStore();
        var now = DateTimeOffset.UtcNow;
        var id = SessionId.New();
        store.Sessions.Create(
            new SessionRecord { Id = id, ProjectRoot = _home.Project, Cwd = _home.Project, Harness = "codex", Title = "t", Status = SessionStatus.Pending, CreatedAt = now, UpdatedAt = now },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = _home.Project });
        return id.Value;
    }

    [Fact]
    public async Task Kill_PendingSession_FailsKilledAndSecondKillConflicts()
    {
        _home.Environment["COVEN_PENDING_TIMEOUT"] = "1h";
        var daemon = await _home.StartAsync();
        var id = AddPending();
        var pending = await daemon.Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("pending", pending.Json.GetProperty("status").GetString());
        Assert.Equal(["session.kill"], pending.Json.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal("session_not_live", (await daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"x"}""")).ErrorCode);

        var kill = await daemon.Api.PostAsync($"api/v1/sessions/{id}/kill");
        Assert.Equal(HttpStatusCode.Accepted, kill.Status);
        var s = await daemon.Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("failed", s.Json.GetProperty("status").GetString());
        Assert.Equal("killed", s.Json.GetProperty("endReason").GetString());
        var again = await daemon.Api.PostAsync($"api/v1/sessions/{id}/kill");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("invalid_transition", again.ErrorCode);
    }

    [Fact]
    public async Task Sweep_PendingPastTimeout_FailsLaunchLost()
    {
        _home.Environment["COVEN_PENDING_TIMEOUT"] = "1s";
        var daemon = await _home.StartAsync();
        var id = AddPending();
        Assert.True(await Eventually.TrueAsync(async () => await daemon.Api.StatusAsync(id) == "failed", TimeSpan.FromSeconds(10)));
        var s = await daemon.Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("launch_lost", s.Json.GetProperty("endReason").GetString());
    }
}
