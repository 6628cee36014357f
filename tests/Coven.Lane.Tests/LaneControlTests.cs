using System.Text;
using System.Text.Json.Nodes;

namespace Coven.Lane.Tests;

public sealed class LaneControlTests
{
    [Fact]
    public async Task HelloAndStatus_ReportIdentity()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("echo READY; exec sleep 1000", cols: 90, rows: 20);
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();

        var hello = await client.RequestAsync("hello", new JsonObject { ["sessionId"] = lane.Session.ToString() });
        Assert.True(hello["ok"]!.GetValue<bool>(), hello.ToJsonString());
        Assert.Equal(1, hello["protocol"]!.GetValue<int>());
        Assert.Equal(lane.LanePid, hello["lanePid"]!.GetValue<int>());
        var record = lane.Store.Sessions.Get(lane.Session)!;
        Assert.Equal(record.Lane!.Value.StartTime, hello["laneStartTime"]!.GetValue<ulong>());
        Assert.Equal(Coven.Core.ProductVersion.Number, hello["version"]!.GetValue<string>());

        var wrong = await client.RequestAsync("hello", new JsonObject { ["sessionId"] = Coven.Core.SessionId.New().ToString() });
        Assert.Equal("wrong_session", (string?)wrong["error"]!["code"]);

        await lane.WaitForOutputAsync("READY");
        var status = await client.RequestAsync("status");
        Assert.Equal(lane.HarnessPid, status["harnessPid"]!.GetValue<int>());
        Assert.Equal(record.HarnessProcess!.Value.StartTime, status["harnessStartTime"]!.GetValue<ulong>());
        Assert.Equal(90, status["cols"]!.GetValue<int>());
        Assert.Equal(20, status["rows"]!.GetValue<int>());
        Assert.False(status["exited"]!.GetValue<bool>());
        Assert.Null(status["exitCode"]);
        Assert.True(status["lastSeq"]!.GetValue<long>() >= lane.Store.Events.LastSeq(lane.Session) - 0);
    }

    [Fact]
    public async Task BadRequests_AnsweredWithErrors_LaneKeepsWorking()
    {
        await using var lane = new LaneRun();
        lane.Harness.WriteEcho("fake-echo");
        lane.CreateSession("", executable: Path.Combine(lane.Harness.BinDir, "fake-echo"));
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();

        await client.SendRawAsync("{not json"u8.ToArray());
        Assert.Equal("malformed", Code(await client.NextReplyAsync()));
        await client.SendRawAsync("[1,2]"u8.ToArray());
        Assert.Equal("malformed", Code(await client.NextReplyAsync()));
        await client.SendRawAsync("{\"v\":1,\"op\":\"status\"}"u8.ToArray());
        Assert.Equal("bad_args", Code(await client.NextReplyAsync()));
        await client.SendRawAsync("{\"v\":9,\"id\":77,\"op\":\"status\"}"u8.ToArray());
        Assert.Equal("unsupported_version", Code(await client.NextReplyAsync()));

        Assert.Equal("unknown_op", Code(await client.RequestAsync("format-disk")));
        Assert.Equal("bad_args", Code(await client.RequestAsync("resize", new JsonObject { ["cols"] = 0, ["rows"] = 10 })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("resize", new JsonObject { ["cols"] = "wide", ["rows"] = 10 })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("resize", new JsonObject { ["cols"] = 1001, ["rows"] = 10 })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("signal", new JsonObject { ["signal"] = "SEGV" })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("signal")));
        Assert.Equal("bad_args", Code(await client.RequestAsync("kill", new JsonObject { ["graceMs"] = -1 })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("input")));
        Assert.Equal("bad_args", Code(await client.RequestAsync("input", new JsonObject { ["dataBase64"] = "@@@" })));
        Assert.Equal("too_large", Code(await client.RequestAsync("input", new JsonObject { ["data"] = new string('x', 64 * 1024 + 1) })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("hello")));

        // A frame over 1 MiB: answered, then that connection (only) is closed.
        await using (var big = await lane.ConnectAsync())
        {
            await big.SendFrameAsync(2 * 1024 * 1024, []);
            Assert.Equal("too_large", Code(await big.NextReplyAsync()));
            await big.Closed.WaitAsync(LaneClient.Timeout);
        }

        // A client that disconnects mid-frame harms nothing.
        await using (var cut = await lane.ConnectAsync())
        {
            await cut.SendFrameAsync(100, Encoding.UTF8.GetBytes("{\"v\":1"));
        }

        // The lane and the harness still work, on the old connection and a new one.
        var ok = await client.RequestAsync("input", new JsonObject { ["data"] = "after errors\r" });
        Assert.True(ok["ok"]!.GetValue<bool>(), ok.ToJsonString());
        await lane.WaitForOutputAsync("got: after errors");
        await using var fresh = await lane.ConnectAsync();
        var status = await fresh.RequestAsync("status");
        Assert.False(status["exited"]!.GetValue<bool>());
        Assert.False(lane.LaneProcess.HasExited);
    }

    [Fact]
    public async Task SeveralConnections_ServedAtOnce()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("echo READY; exec sleep 1000");
        await lane.StartOkAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => lane.ConnectAsync()));
        try
        {
            var replies = await Task.WhenAll(clients.Select(c => c.RequestAsync("screen")));
            Assert.All(replies, r => Assert.True(r["ok"]!.GetValue<bool>()));
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Input_AfterExit_NotRunning()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("read x; exit 0");
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();
        await client.RequestAsync("subscribe");
        await client.RequestAsync("input", new JsonObject { ["data"] = "\r" });
        await client.WaitForEventAsync("exited");
        var reply = await client.RequestAsync("input", new JsonObject { ["data"] = "late\r" });
        Assert.Equal("not_running", Code(reply));
        var status = await client.RequestAsync("status");
        Assert.True(status["exited"]!.GetValue<bool>());
        Assert.Equal(0, status["exitCode"]!.GetValue<int>());
    }

    private static string? Code(JsonObject reply)
    {
        Assert.False(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
        return (string?)reply["error"]!["code"];
    }
}
