using System.Diagnostics;
using System.Text.Json.Nodes;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Lane.Tests;

public sealed class LaneLaunchTests
{
    [Fact]
    public async Task Start_Harness_HandshakeReportsPidsAndStoreHasIdentities()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("echo READY; exec sleep 1000");
        await lane.StartOkAsync();

        Assert.Equal(lane.LaneProcess.Id, lane.LanePid);
        var record = lane.Store.Sessions.Get(lane.Session)!;
        Assert.Equal(lane.LanePid, record.Lane?.Pid);
        Assert.Equal(lane.HarnessPid, record.HarnessProcess?.Pid);
        Assert.True(record.HarnessProcess!.Value.IsAlive());
        Assert.True(record.Lane!.Value.IsAlive());

        // The socket is private and the lane leads its own session.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lane.SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(lane.Paths.LanesDir));
        Assert.Equal(lane.LanePid, ProcFs.Session(lane.LanePid));

        await using var client = await lane.ConnectAsync();
        var kill = await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 1000 });
        Assert.True(kill["ok"]!.GetValue<bool>());
        await lane.WaitForLaneExitAsync();
        Assert.False(File.Exists(lane.SocketPath));
    }

    [Fact]
    public async Task Start_MissingExecutable_HandshakeReportsFailureAndNoEvents()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("", executable: "/nonexistent/coven-harness");
        var line = await lane.StartAsync();

        Assert.False(line["ok"]!.GetValue<bool>());
        Assert.Contains("/nonexistent/coven-harness", (string?)line["reason"], StringComparison.Ordinal);
        Assert.Equal(2, line["errno"]!.GetValue<int>());
        await lane.WaitForLaneExitAsync();
        Assert.NotEqual(0, lane.LaneProcess.ExitCode);
        Assert.Empty(lane.Events(EventKinds.Output));
        Assert.Empty(lane.Events(EventKinds.Exit));
        Assert.False(File.Exists(lane.SocketPath));
    }

    [Fact]
    public async Task Start_UnknownSession_HandshakeReportsFailure()
    {
        await using var lane = new LaneRun();
        var line = await lane.StartAsync();
        Assert.False(line["ok"]!.GetValue<bool>());
        Assert.Contains(lane.Session.ToString(), (string?)line["reason"], StringComparison.Ordinal);
        await lane.WaitForLaneExitAsync();
        Assert.NotEqual(0, lane.LaneProcess.ExitCode);
    }

    [Fact]
    public async Task Spare_AssignedOnStdin_RunsTheSessionOnTheCallersEnvironment()
    {
        // The daemon's way: a lane started ahead of the launch, then told its session and the caller's environment.
        await using var lane = new LaneRun();
        lane.CreateSession("""echo "F=${FROM_CALLER-unset} D=${FROM_DAEMON-unset}"; exec sleep 1000""");
        var assignment = new JsonObject
        {
            ["session"] = lane.Session.ToString(),
            ["environment"] = new JsonObject { ["FROM_CALLER"] = "yes", ["PATH"] = lane.Harness.PathVariable },
        };
        Environment.SetEnvironmentVariable("FROM_DAEMON", "leaked");
        try
        {
            var line = await lane.StartSpareAsync(assignment.ToJsonString());
            Assert.True(line["ok"]!.GetValue<bool>(), line.ToJsonString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("FROM_DAEMON", null);
        }

        await lane.WaitForOutputAsync("F=yes D=unset");
        Assert.Equal(lane.LanePid, lane.Store.Sessions.Get(lane.Session)!.Lane?.Pid);
        Assert.Contains("(spare)", File.ReadAllText(lane.Paths.LaneLog(lane.Session)), StringComparison.Ordinal);
        await using var client = await lane.ConnectAsync();
        Assert.True((await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 1000 }))["ok"]!.GetValue<bool>());
        await lane.WaitForLaneExitAsync();
    }

    [Fact]
    public async Task Spare_StdinClosedWithoutAssignment_ExitsQuietlyAndLeavesNothing()
    {
        // How the daemon retires its spare (stopping, idle, replaced by an upgrade): it closes the lane's stdin.
        await using var lane = new LaneRun();
        var spare = lane.StartSpare();
        spare.StandardInput.Close();
        await lane.WaitForLaneExitAsync();

        Assert.Equal(0, spare.ExitCode);
        Assert.Equal("", await spare.StandardOutput.ReadToEndAsync());
        Assert.False(Directory.Exists(lane.Paths.LanesDir) && Directory.EnumerateFileSystemEntries(lane.Paths.LanesDir).Any());
        Assert.False(Directory.Exists(lane.Paths.LogsDir) && Directory.EnumerateFiles(lane.Paths.LogsDir, "lane-*").Any());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"session\":\"zzzz\"}")]
    [InlineData("{\"session\":\"01a23341-2c03-7094-a160-f040b06aba86\",\"environment\":[1]}")]
    public async Task Spare_BadAssignment_HandshakeReportsFailure(string assignment)
    {
        await using var lane = new LaneRun();
        var line = await lane.StartSpareAsync(assignment);

        Assert.False(line["ok"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty((string?)line["reason"]));
        await lane.WaitForLaneExitAsync();
        Assert.NotEqual(0, lane.LaneProcess.ExitCode);
    }

    [Fact]
    public async Task Start_Environment_TermSetAndDaemonTerminalVariablesRemoved()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""echo "T=$TERM C=$COLORTERM X=${TMUX-unset} H=${COVEN_HOME-unset}"; stty size""", cols: 111, rows: 37);
        Environment.SetEnvironmentVariable("TMUX", "/tmp/fake-tmux,1,0");
        try
        {
            await lane.StartOkAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMUX", null);
        }

        await lane.WaitForExitEventAsync();
        var text = lane.OutputText();
        Assert.Contains("T=xterm-256color C=truecolor X=unset H=unset", text, StringComparison.Ordinal);
        Assert.Contains("37 111", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lane_StarterProcessDies_LaneKeepsServing()
    {
        await using var lane = new LaneRun();
        lane.Harness.WriteEcho("fake-echo");
        lane.CreateSession("", executable: Path.Combine(lane.Harness.BinDir, "fake-echo"));

        // The lane is started by an intermediate shell that exits right away, like a daemon that dies.
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "\"$0\" --session \"$1\" --home \"$2\" & echo \"starter=$$\"", LaneRun.LaneExecutable, lane.Session.ToString(), lane.Home.Path })
        {
            psi.ArgumentList.Add(a);
        }

        using var starter = Process.Start(psi)!;
        string? handshake = null;
        while (handshake is null)
        {
            var line = await starter.StandardOutput.ReadLineAsync().WaitAsync(LaneRun.Timeout);
            Assert.NotNull(line);
            if (line.StartsWith('{'))
            {
                handshake = line;
            }
        }

        await starter.WaitForExitAsync().WaitAsync(LaneRun.Timeout);
        starter.StandardOutput.Close();
        var json = JsonNode.Parse(handshake)!.AsObject();
        Assert.True(json["ok"]!.GetValue<bool>(), handshake);
        var lanePid = json["lanePid"]!.GetValue<int>();
        var harnessPid = json["harnessPid"]!.GetValue<int>();
        try
        {
            // Orphaned (reparented) and in its own session: the starter's group and terminal are not its own.
            Assert.NotEqual(starter.Id, ProcFs.ParentPid(lanePid));
            Assert.Equal(lanePid, ProcFs.Session(lanePid));

            await using var client = await lane.ConnectAsync();
            var reply = await client.RequestAsync("input", new JsonObject { ["data"] = "still here\r" });
            Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
            await lane.WaitForOutputAsync("got: still here");
            await client.RequestAsync("input", new JsonObject { ["data"] = "exit 0\r" });
            var exit = await lane.WaitForExitEventAsync();
            Assert.Equal("finished", (string?)exit["status"]);
            Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(lanePid), LaneRun.Timeout));
        }
        finally
        {
            LaneRun.KillGroup(harnessPid);
            LaneRun.KillGroup(lanePid);
        }
    }
}
