using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Lane.Tests;

public sealed class LaneOutputTests
{
    [Fact]
    public async Task Output_50MegabytesOfRandomText_RecordedExactly()
    {
        await using var lane = new LaneRun();
        // -opost: the terminal passes bytes through untouched, so what the harness hashed is what must be recorded.
        lane.CreateSession("""
            head -c 37500000 /dev/urandom | base64 > data.txt
            sha256sum < data.txt | cut -d' ' -f1 > data.sha
            stty -opost
            cat data.txt
            """);
        await lane.StartOkAsync();
        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal("finished", (string?)exit["status"]);

        var expected = File.ReadAllText(lane.Home.Combine("data.sha")).Trim();
        var recorded = lane.OutputBytes();
        Assert.Equal(new FileInfo(lane.Home.Combine("data.txt")).Length, recorded.Length);
        Assert.Equal(expected, LaneRun.Sha256Hex(recorded));

        // Output events come before the exit event.
        var events = lane.Events();
        Assert.Equal(EventKinds.Exit, events[^1].Kind);
    }

    [Fact]
    public async Task Output_MultibyteSplitAcrossWrites_NeverSplitAcrossEvents()
    {
        await using var lane = new LaneRun();
        // The euro sign's three bytes arrive in two writes with a pause between them.
        lane.CreateSession("""printf 'A\342\202'; sleep 0.3; printf '\254B\n'; printf '\377\376'; sleep 0.3; printf 'Z\n'""");
        await lane.StartOkAsync();
        await lane.WaitForExitEventAsync();

        var outputs = lane.Events(EventKinds.Output);
        foreach (var e in outputs)
        {
            using var doc = JsonDocument.Parse(e.PayloadJson);
            Assert.True(doc.RootElement.TryGetProperty("data", out _) || doc.RootElement.TryGetProperty("dataBase64", out _), e.PayloadJson);
        }

        Assert.Contains(outputs, e => e.PayloadJson.Contains("A€B", StringComparison.Ordinal) || e.PayloadJson.Contains("€B", StringComparison.Ordinal));
        Assert.Contains(outputs, e => e.PayloadJson.Contains("dataBase64", StringComparison.Ordinal));
        Assert.Equal("A€B\r\n"u8.ToArray().Concat(new byte[] { 0xff, 0xfe }).Concat("Z\r\n"u8.ToArray()), lane.OutputBytes());
    }

    [Fact]
    public async Task Input_Text_RoundTripsThroughHarness()
    {
        await using var lane = new LaneRun();
        lane.Harness.WriteEcho("fake-echo");
        lane.CreateSession("", args: ["--flag", "two words"], executable: Path.Combine(lane.Harness.BinDir, "fake-echo"));
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();

        await lane.WaitForOutputAsync("ready");
        var reply = await client.RequestAsync("input", new JsonObject { ["data"] = "héllo wörld\r" });
        Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
        await lane.WaitForOutputAsync("got: héllo wörld");

        var b64 = await client.RequestAsync("input", new JsonObject { ["dataBase64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("exit 4\r")) });
        Assert.True(b64["ok"]!.GetValue<bool>());
        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal(4, exit["exitCode"]!.GetValue<int>());
        Assert.Contains("arg: --flag\r\narg: two words\r\n", lane.OutputText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CursorPositionQuery_AnsweredFromScreenAndNotRecorded()
    {
        await using var lane = new LaneRun();
        // Raw mode so the answer is neither echoed nor line-buffered; the harness prints the answer's bytes in hex.
        lane.CreateSession("""
            stty raw -echo
            printf '\033[5;7H\033[6n'
            answer=$(dd bs=1 count=6 2>/dev/null | od -An -tx1 | tr -s ' ')
            printf '\r\nANSWER:%s\r\n' "$answer"
            """);
        await lane.StartOkAsync();
        await lane.WaitForExitEventAsync();
        var text = lane.OutputText();
        Assert.Contains("ANSWER: 1b 5b 35 3b 37 52", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[6n", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[5;7H", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_NotifiesAppendedAndExited()
    {
        await using var lane = new LaneRun();
        lane.Harness.WriteEcho("fake-echo");
        lane.CreateSession("", executable: Path.Combine(lane.Harness.BinDir, "fake-echo"));
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();
        var sub = await client.RequestAsync("subscribe");
        Assert.True(sub["ok"]!.GetValue<bool>());

        await client.RequestAsync("input", new JsonObject { ["data"] = "ping\r" });
        var appended = await client.WaitForEventAsync("appended");
        Assert.True(appended["seq"]!.GetValue<long>() > 0);

        await client.RequestAsync("input", new JsonObject { ["data"] = "exit 0\r" });
        var exited = await client.WaitForEventAsync("exited");
        Assert.Equal(0, exited["exitCode"]!.GetValue<int>());
        Assert.Null(exited["signal"]);
        var exitEvent = lane.Store.Events.Latest(lane.Session, EventKinds.Exit)!;
        Assert.Equal(exitEvent.Seq, exited["seq"]!.GetValue<long>());

        // A late subscriber during the linger gets the exit at once.
        await using var late = await lane.ConnectAsync();
        await late.RequestAsync("subscribe");
        var lateExit = await late.WaitForEventAsync("exited");
        Assert.Equal(exitEvent.Seq, lateExit["seq"]!.GetValue<long>());

        // Once subscribers leave, the lane finishes.
        await client.DisposeAsync();
        await late.DisposeAsync();
        await lane.WaitForLaneExitAsync();
        Assert.Equal(0, lane.LaneProcess.ExitCode);
    }

    [Fact]
    public async Task Output_StoreLockedWhileHarnessWrites_HarnessHeldBackAndNothingLost()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""
            head -c 15000000 /dev/urandom | base64 > data.txt
            sha256sum < data.txt | cut -d' ' -f1 > data.sha
            echo GO
            read x
            stty -opost
            cat data.txt
            """);

        // Another writer holds the database: the lane cannot commit, its bounded queue fills, it stops
        // reading the PTY, and the harness blocks on its writes instead of output being dropped.
        using var blocker = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + lane.Paths.Database);
        blocker.Open();
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("GO");
        await using var client = await lane.ConnectAsync();
        using (var tx = blocker.BeginTransaction(System.Data.IsolationLevel.Serializable))
        {
            using var cmd = blocker.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE sessions SET title = title;";
            cmd.ExecuteNonQuery();

            // Only now does the harness start its 20 MB; the lock is held for a while that would be plenty to finish it.
            var go = await client.RequestAsync("input", new JsonObject { ["data"] = "\r" });
            Assert.True(go["ok"]!.GetValue<bool>());
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Null(lane.Store.Events.Latest(lane.Session, EventKinds.Exit));
            Assert.False(ProcFs.IsGone(lane.HarnessPid));
            tx.Commit();
        }

        var exit = await lane.WaitForExitEventAsync();
        Assert.Equal("finished", (string?)exit["status"]);
        var recorded = lane.OutputBytes();
        var expectedSha = File.ReadAllText(lane.Home.Combine("data.sha")).Trim();
        var text = Encoding.UTF8.GetString(recorded);
        var start = text.IndexOf("GO\r\n", StringComparison.Ordinal) + 4;
        while (recorded[start] is (byte)'\r' or (byte)'\n')
        {
            start++; // the terminal's echo of the Enter that started the harness
        }

        var data = recorded.AsSpan(start).ToArray();
        Assert.Equal(new FileInfo(lane.Home.Combine("data.txt")).Length, data.Length);
        Assert.Equal(expectedSha, LaneRun.Sha256Hex(data));
    }
}
