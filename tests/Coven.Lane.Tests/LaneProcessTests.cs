using System.Globalization;
using System.Text.Json.Nodes;
using Coven.TestSupport;

namespace Coven.Lane.Tests;

public sealed class LaneProcessTests
{
    [Theory]
    [InlineData("exit 0", 0, null, "finished")]
    [InlineData("exit 3", 3, null, "failed")]
    [InlineData("kill -TERM $$", null, "SIGTERM", "failed")]
    public async Task Exit_CodeAndSignal_Recorded(string body, int? code, string? signal, string status)
    {
        await using var lane = new LaneRun();
        lane.CreateSession(body);
        await lane.StartOkAsync();
        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal(code, exit["exitCode"]?.GetValue<int>());
        Assert.Equal(signal, (string?)exit["signal"]);
        Assert.Equal(status, (string?)exit["status"]);
        await lane.WaitForLaneExitAsync();
        Assert.Equal(0, lane.LaneProcess.ExitCode);
    }

    [Fact]
    public async Task Kill_TermIgnoringHarnessWithGrandchild_WholeGroupKilled()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""trap '' TERM; sleep 1000 & echo "BG=$!"; while :; do sleep 0.05; done""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("\r\n");
        var grandchild = int.Parse(lane.OutputText().Split("BG=")[1].Split('\r')[0], CultureInfo.InvariantCulture);
        Assert.False(ProcFs.IsGone(grandchild));

        await using var client = await lane.ConnectAsync();
        var reply = await client.RequestAsync("kill", new JsonObject { ["signal"] = "TERM", ["graceMs"] = 300 });
        Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());

        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal("SIGKILL", (string?)exit["signal"]);
        Assert.Null(exit["exitCode"]);
        Assert.Equal("failed", (string?)exit["status"]);
        Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(grandchild) && ProcFs.IsGone(lane.HarnessPid), LaneRun.Timeout));
        Assert.Empty(ProcFs.GroupMembers(lane.HarnessPid));
    }

    [Theory]
    [InlineData("exit 0")]
    [InlineData("kill -KILL $$")]
    public async Task Exit_HelperThatLeftTheGroup_DoesNotOutliveTheSession(string end)
    {
        // setsid puts the helper in its own session and group, out of reach of a group kill (Codex's app-server
        // detaches this way); the lane, as child subreaper, adopts it when the harness ends and ends it too.
        await using var lane = new LaneRun();
        lane.CreateSession($$"""setsid sh -c 'trap "" TERM HUP; exec sleep 1000' </dev/null >/dev/null 2>&1 & echo "BG=$!"; sleep 0.2; {{end}}""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("\r\n");
        var helper = int.Parse(lane.OutputText().Split("BG=")[1].Split('\r')[0], CultureInfo.InvariantCulture);

        await lane.WaitForExitEventAsync();

        // The exit event is written only after the sweep, so the helper (which ignores TERM) must already be gone.
        Assert.True(ProcFs.IsGone(helper), $"helper {helper} outlived the session");
        await lane.WaitForLaneExitAsync();
    }

    [Fact]
    public async Task AdoptedOrphan_ThatExits_IsReapedWhileTheSessionRuns()
    {
        // A double fork: the subshell exits at once, so its child is re-parented to the lane (child subreaper) and
        // exits shortly after, as Codex's git helpers do. The lane must reap it then, not when the session ends.
        await using var lane = new LaneRun();
        lane.CreateSession("""( sleep 0.1 & echo "GC=$!" ); echo READY; while :; do sleep 0.05; done""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        var orphan = int.Parse(lane.OutputText().Split("GC=")[1].Split('\r')[0], CultureInfo.InvariantCulture);

        // Absent from /proc = reaped (a zombie keeps its entry, state Z, parent the lane).
        Assert.True(
            await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{orphan}"), TimeSpan.FromSeconds(3)),
            $"orphan {orphan} was not reaped: {(Directory.Exists($"/proc/{orphan}") ? File.ReadAllText($"/proc/{orphan}/stat") : "gone")}");
        Assert.Empty(Zombies(lane.LanePid));

        // The harness's own exit status still reaches the recording (the reaper never waits for the harness).
        Assert.False(ProcFs.IsGone(lane.HarnessPid));
        await using var client = await lane.ConnectAsync();
        await client.RequestAsync("signal", new JsonObject { ["signal"] = "TERM" });
        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal("SIGTERM", (string?)exit["signal"]);
    }

    private static List<int> Zombies(int parent) =>
        [.. ProcFs.Pids().Where(p => ProcFs.ParentPid(p) == parent && ProcFs.IsGone(p))];

    [Fact]
    public async Task Resize_SeenBySttyAndScreen()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""trap 'echo "SIZE $(stty size)"' WINCH; echo READY; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        await using var client = await lane.ConnectAsync();

        var reply = await client.RequestAsync("resize", new JsonObject { ["cols"] = 100, ["rows"] = 30 });
        Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
        await lane.WaitForOutputAsync("SIZE 30 100");

        var screen = (await client.RequestAsync("screen"))["screen"]!;
        Assert.Equal(100, screen["cols"]!.GetValue<int>());
        Assert.Equal(30, screen["rows"]!.GetValue<int>());
        var status = await client.RequestAsync("status");
        Assert.Equal(100, status["cols"]!.GetValue<int>());
        Assert.Equal(30, status["rows"]!.GetValue<int>());
        await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 500 });
        await lane.WaitForExitEventAsync();
    }

    [Fact]
    public async Task Signal_Int_DeliveredToHarnessGroup()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""trap 'echo GOT-INT; exit 5' INT; echo READY; while :; do sleep 0.05; done""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        await using var client = await lane.ConnectAsync();
        var reply = await client.RequestAsync("signal", new JsonObject { ["signal"] = "INT" });
        Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal(5, exit["exitCode"]!.GetValue<int>());
        Assert.Contains("GOT-INT", lane.OutputText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaneSigterm_StopsHarnessAndRecordsExit()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("echo READY; exec sleep 1000");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        LaneRunSignal(lane.LanePid, "TERM");
        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal("SIGTERM", (string?)exit["signal"]);
        await lane.WaitForLaneExitAsync();
    }

    private static void LaneRunSignal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("/bin/kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
