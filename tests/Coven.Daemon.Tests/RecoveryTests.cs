using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Coven.Core;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

public sealed class RecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly DaemonHome _home = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private string StoredOutput(string id)
    {
        using var store = _home.OpenStore();
        var text = new System.Text.StringBuilder();
        foreach (var e in store.Events.Page(SessionId.Parse(id), 0, 100_000, EventKinds.Output))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(e.PayloadJson);
            text.Append(doc.RootElement.TryGetProperty("data", out var d) ? d.GetString() : string.Empty);
        }

        return text.ToString();
    }

    private static int MaxTick(string output) =>
        Regex.Matches(output, @"tick (\d+)\r?\n").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    [Fact]
    public async Task Restart_AfterKill9_LanesStayLiveAndNoOutputIsLost()
    {
        _home.Harness.Write("codex", """
            ( i=0; while [ $i -lt 100000 ]; do i=$((i+1)); printf 'tick %d\n' $i; sleep 0.02; done ) &
            while IFS= read -r line; do printf 'got: %s\n' "$line"; done
            """);
        var first = await _home.StartAsync();
        var id = await first.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(() => MaxTick(StoredOutput(id)) >= 5, s_timeout));
        first.Kill9();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));

        // The lane keeps recording while no daemon runs.
        var atDeath = MaxTick(StoredOutput(id));
        Assert.True(await Eventually.TrueAsync(() => MaxTick(StoredOutput(id)) >= atDeath + 20, s_timeout));

        var second = await _home.StartAsync();
        Assert.Equal("live", await second.Api.StatusAsync(id));
        var reattached = await second.Api.GetAsync($"api/v1/sessions/{id}/events?kind=reattached");
        Assert.Single(reattached.Json.GetProperty("events").EnumerateArray());
        Assert.Contains("lanePid", reattached.Json.GetProperty("events")[0].GetProperty("payloadJson").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await second.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"after restart\r"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => (await second.Api.OutputAsync(id)).Contains("got: after restart", StringComparison.Ordinal), s_timeout));

        Assert.Equal(HttpStatusCode.Accepted, (await second.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs":500}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => await second.Api.StatusAsync(id) == "failed", s_timeout));
        var output = await second.Api.OutputAsync(id);
        var ticks = Regex.Matches(output, @"tick (\d+)\r?\n").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, ticks.Count), ticks);
        Assert.True(ticks.Count > atDeath + 20);
        Assert.Equal("killed", (await second.Api.GetAsync($"api/v1/sessions/{id}")).Json.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task LaneKilled_SessionOrphanedAndGroupGone()
    {
        _home.Harness.Write("codex", "trap '' HUP\nsleep 1000 &\nprintf 'ready\\n'\nwhile :; do sleep 1; done");
        var daemon = await _home.StartAsync();
        var id = await daemon.Api.LaunchAsync(_home.Project);
        using var store = _home.OpenStore();
        var session = store.Sessions.Get(SessionId.Parse(id))!;
        var lane = session.Lane!.Value;
        var harness = session.HarnessProcess!.Value;
        ProcessTools.Kill(lane.Pid, Signals.SIGKILL);

        Assert.True(await Eventually.TrueAsync(async () => await daemon.Api.StatusAsync(id) == "orphaned", TimeSpan.FromSeconds(5)));
        var s = await daemon.Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("lane_lost", s.Json.GetProperty("endReason").GetString());
        Assert.True(await Eventually.TrueAsync(() => ProcFs.GroupMembers(harness.Pid).Count == 0, TimeSpan.FromSeconds(5)), "harness process group survived");
        Assert.False(harness.IsAlive());
    }

    [Fact]
    public async Task LaneStalledRightAfterLaunch_StaysLive_AndTheSweepAttachesItOnceItAnswers()
    {
        var (daemon, id, lanePid) = await LaunchOnAStalledLaneAsync();
        try
        {
            // Health waits for the launch's follow-up (the attach that gets no answer): the lane is not attached, and
            // the session is still live with its lane running, not orphaned.
            Assert.False(await daemon.Api.LaneAttachedAsync(id), "a stopped lane was reported attached");
            Assert.Equal("live", await daemon.Api.StatusAsync(id));
            Assert.False(ProcFs.IsGone(lanePid), "the stalled lane was killed");
        }
        finally
        {
            ProcessTools.Kill(lanePid, Signals.SIGCONT);
        }

        // The lane answers again: the sweep (every second here) attaches it, and the session works.
        Assert.True(await Eventually.TrueAsync(() => daemon.Api.LaneAttachedAsync(id), s_timeout), "the sweep did not attach the lane once it answered");
        Assert.Equal(HttpStatusCode.Accepted, (await daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"after the stall\r"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => (await daemon.Api.OutputAsync(id)).Contains("got: after the stall", StringComparison.Ordinal), s_timeout));
        Assert.Equal("live", await daemon.Api.StatusAsync(id));
        var lifecycle = await daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=lifecycle");
        Assert.Equal(HttpStatusCode.OK, lifecycle.Status);
        Assert.DoesNotContain("orphaned", lifecycle.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StalledLane_KillIsDoneByTheDaemon_AndEndsTheSession()
    {
        var (daemon, id, lanePid) = await LaunchOnAStalledLaneAsync();
        ProcessIdentity harness;
        using (var store = _home.OpenStore())
        {
            harness = store.Sessions.Get(SessionId.Parse(id))!.HarnessProcess!.Value;
        }

        try
        {
            Assert.False(await daemon.Api.LaneAttachedAsync(id));

            // What needs the lane is refused with the error envelope; kill does not need it.
            var input = await daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"x"}""");
            Assert.Equal(HttpStatusCode.Conflict, input.Status);
            Assert.Equal("session_not_live", input.ErrorCode);
            Assert.Equal(HttpStatusCode.Accepted, (await daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs":300}""")).Status);
            Assert.Equal(HttpStatusCode.Conflict, (await daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", "{}")).Status);

            // The harness goes at once; the stopped lane cannot record it, so after 5 s it is orphaned and killed.
            Assert.True(await Eventually.TrueAsync(() => ProcFs.GroupMembers(harness.Pid).Count == 0, s_timeout), "the harness's group survived the kill");
            Assert.True(await Eventually.TrueAsync(async () => await daemon.Api.StatusAsync(id) != "live", s_timeout));
            Assert.Equal("orphaned", await daemon.Api.StatusAsync(id));
            Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(lanePid), s_timeout), "the stopped lane was left running");
            var kills = await daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=kill");
            Assert.Single(kills.Json.GetProperty("events").EnumerateArray());
        }
        finally
        {
            ProcessTools.Kill(lanePid, Signals.SIGCONT);
        }
    }

    /// <summary>
    /// A real stall: COVEN_LANE_PATH runs the real lane and stops it (SIGSTOP) right after its launch report and before
    /// passing the report on, so the launch is answered and covend's hello then gets no answer, as on a machine that
    /// stalls for longer than the 2 s connect timeout right after a launch. Returns once health (which waits for the
    /// launch's follow-up attach) answers.
    /// </summary>
    private async Task<(DaemonProcess Daemon, string Id, int LanePid)> LaunchOnAStalledLaneAsync()
    {
        _home.Harness.WriteEcho("codex");
        var stopped = Path.Combine(_home.Home, "stopped-lane");
        _home.Environment["COVEN_LANE_PATH"] = _home.Harness.Write("stalling-lane", $$"""
            '{{DaemonHome.LanePath}}' "$@" | {
              IFS= read -r line
              pid=${line#*\"lanePid\":}; pid=${pid%%[!0-9]*}
              kill -STOP "$pid" && printf '%s' "$pid" > '{{stopped}}.new' && mv '{{stopped}}.new' '{{stopped}}'
              printf '%s\n' "$line"
              exec cat
            }
            """);
        var daemon = await _home.StartAsync();
        var id = await daemon.Api.LaunchAsync(_home.Project);
        var lanePid = int.Parse(File.ReadAllText(stopped), CultureInfo.InvariantCulture);
        Assert.Equal('T', ProcStat.TryRead(lanePid, out var stat) ? stat.State : '?');
        Assert.Equal(HttpStatusCode.OK, (await daemon.Api.GetAsync("api/v1/health")).Status);
        return (daemon, id, lanePid);
    }

    [Fact]
    public async Task HarnessExitedWhileDaemonDown_AppliedAtStart()
    {
        _home.Harness.Write("codex", "printf 'working\\n'\nread -r line\nexit 7");
        var first = await _home.StartAsync();
        var id = await first.Api.LaunchAsync(_home.Project);
        first.Kill9();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        using (var store = _home.OpenStore())
        {
            var lane = store.Sessions.Get(SessionId.Parse(id))!.HarnessProcess!.Value;
            ProcessTools.Kill(-lane.Pid, Signals.SIGTERM);
            Assert.True(await Eventually.TrueAsync(() => store.Events.Latest(SessionId.Parse(id), EventKinds.Exit) is not null, s_timeout));
        }

        var second = await _home.StartAsync();
        Assert.True(await Eventually.TrueAsync(async () => await second.Api.StatusAsync(id) == "failed", s_timeout));
        var s = await second.Api.GetAsync($"api/v1/sessions/{id}");
        Assert.Equal("signaled", s.Json.GetProperty("endReason").GetString());
        Assert.Equal("SIGTERM", s.Json.GetProperty("exitSignal").GetString());
    }

    [Fact]
    public async Task PendingWithoutLane_FailsLaunchLostAtStart()
    {
        using (var store = _home.OpenStore())
        {
            store.Migrate();
            var now = DateTimeOffset.UtcNow;
            store.Sessions.Create(
                new SessionRecord { Id = SessionId.New(), ProjectRoot = _home.Project, Cwd = _home.Project, Harness = "codex", Title = "t", Status = SessionStatus.Pending, CreatedAt = now, UpdatedAt = now },
                new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = _home.Project });
        }

        var daemon = await _home.StartAsync();
        var list = await daemon.Api.GetAsync("api/v1/sessions");
        var s = Assert.Single(list.Json.GetProperty("sessions").EnumerateArray());
        Assert.Equal("failed", s.GetProperty("status").GetString());
        Assert.Equal("launch_lost", s.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task SecondDaemon_SameHome_ExitsWithAlreadyRunningCode()
    {
        var first = await _home.StartAsync();
        var second = await _home.StartAsync(waitUntilReady: false, captureOutput: true);
        var stderr = second.Process.StandardError.ReadToEndAsync();
        Assert.Equal(Coven.Core.DaemonExitCodes.AlreadyRunning, await second.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"covend is already running (pid {first.Pid})", await stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await first.Api.GetAsync("api/v1/health")).Status);
    }

    [Fact]
    public async Task StaleSocket_IsReplaced()
    {
        // .NET unlinks a socket file when the bound Socket is disposed; Python leaves it behind like a crashed daemon.
        var (code, output) = await ProcessTools.RunAsync("/usr/bin/python3", "-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{_home.Socket}')");
        Assert.True(code == 0, output);
        Assert.True(Path.Exists(_home.Socket));
        var daemon = await _home.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await daemon.Api.GetAsync("api/v1/health")).Status);
    }

    [Fact]
    public async Task Sigterm_ExitsZeroAndLeavesLanesRunning()
    {
        var first = await _home.StartAsync();
        var id = await first.Api.LaunchAsync(_home.Project);
        using var store = _home.OpenStore();
        var lane = store.Sessions.Get(SessionId.Parse(id))!.Lane!.Value;
        first.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(Path.Combine(_home.Home, "daemon.json")));
        Assert.True(lane.IsAlive());

        var second = await _home.StartAsync();
        Assert.Equal("live", await second.Api.StatusAsync(id));
        Assert.Equal(HttpStatusCode.Accepted, (await second.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"still here\r"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => (await second.Api.OutputAsync(id)).Contains("got: still here", StringComparison.Ordinal), s_timeout));
    }
}
