using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// The lane covend starts ahead of the next launch (Lanes/LaneLauncher.cs): the next session runs on it, one spare at
/// most waits at a time, and a daemon that stops (cleanly or killed) leaves no spare behind.
/// </summary>
public sealed class SpareLaneTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        // Long enough that a spare is never retired while a test waits for it, short enough for the idle test.
        _home.Environment["COVEN_SPARE_IDLE"] = "5s";
        _daemon = await _home.StartAsync();
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task NextLaunch_RunsOnTheSpare_AndAStoppedDaemonRetiresTheNextOne()
    {
        // No launch yet, no spare: a daemon that never launches holds no extra process.
        Assert.Empty(await SparesAsync());

        var first = await _daemon.Api.LaunchAsync(_home.Project);
        var spare = await OneSpareAsync();
        Assert.NotEqual(spare, await LanePidAsync(first));

        var second = await _daemon.Api.LaunchAsync(_home.Project);
        var lane = await LanePidAsync(second);
        Assert.Equal(spare, lane);
        Assert.Equal(lane, ProcFs.Session(lane));
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(second)).Contains("ready", StringComparison.Ordinal), s_timeout));

        // The next spare is started once the launch settled, and it is the only one.
        var next = await OneSpareAsync();
        Assert.NotEqual(spare, next);

        _daemon.Terminate();
        Assert.Equal(0, await _daemon.WaitForExitAsync(s_timeout));
        Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(next), s_timeout), $"spare lane {next} outlived its daemon");
        Assert.False(ProcFs.IsGone(lane), "a session's lane must outlive the daemon");
    }

    [Fact]
    public async Task KilledDaemon_LeavesNoSpare()
    {
        await _daemon.Api.LaunchAsync(_home.Project);
        var spare = await OneSpareAsync();

        // kill -9: the spare's stdin (a pipe from covend) closes with the daemon, and the spare exits on it.
        _daemon.Kill9();
        await _daemon.WaitForExitAsync(s_timeout);
        Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(spare), s_timeout), $"spare lane {spare} outlived its killed daemon");
    }

    [Fact]
    public async Task UnusedSpare_IsRetiredAfterTheIdleTime_AndTheNextLaunchStillWorks()
    {
        await _daemon.Api.LaunchAsync(_home.Project);
        var spare = await OneSpareAsync();

        // COVEN_SPARE_IDLE=5s: nobody launches, so covend closes the spare's stdin and it exits; no new one is started.
        Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(spare), s_timeout), $"spare lane {spare} was not retired");
        Assert.Empty(await SparesAsync());

        var next = await _daemon.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(next)).Contains("ready", StringComparison.Ordinal), s_timeout));
        Assert.NotEqual(spare, await LanePidAsync(next));
    }

    private async Task<int> LanePidAsync(string id) =>
        (await _daemon.Api.GetAsync($"api/v1/sessions/{id}")).Json.GetProperty("lanePid").GetInt32();

    /// <summary>Waits until exactly one spare is waiting and returns its pid.</summary>
    private async Task<int> OneSpareAsync()
    {
        List<int> spares = [];
        var one = await Eventually.TrueAsync(async () => (spares = await SparesAsync()).Count == 1, s_timeout);
        Assert.True(one, $"expected one spare lane, found {spares.Count}");
        return spares[0];
    }

    /// <summary>coven-lane children of the daemon that run no session (every lane covend starts is a spare first).</summary>
    private async Task<List<int>> SparesAsync()
    {
        var sessions = (await _daemon.Api.GetAsync("api/v1/sessions?status=pending,live,finished,failed,orphaned,archived")).Json.GetProperty("sessions").EnumerateArray()
            .Where(s => s.TryGetProperty("lanePid", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.Number)
            .Select(s => s.GetProperty("lanePid").GetInt32())
            .ToHashSet();
        return [.. ProcFs.Pids().Where(p => ProcFs.ParentPid(p) == _daemon.Pid && !ProcFs.IsGone(p) && IsSpareLane(p) && !sessions.Contains(p))];
    }

    private static bool IsSpareLane(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains("--spare");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
