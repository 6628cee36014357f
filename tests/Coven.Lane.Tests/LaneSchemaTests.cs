using System.Text.Json.Nodes;
using Coven.Store;
using Microsoft.Data.Sqlite;

namespace Coven.Lane.Tests;

/// <summary>Issue 12 item 12: a lane refuses a store schema it does not know, and reports its range in hello.</summary>
public sealed class LaneSchemaTests
{
    [Fact]
    public async Task UnknownSchemaVersion_IsRefusedAtStart_BeforeAnythingIsWritten()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("echo SHOULD-NOT-RUN");
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = lane.Paths.Database, Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 999;";
            cmd.ExecuteNonQuery();
        }

        var seqBefore = lane.Store.Events.LastSeq(lane.Session);
        var line = await lane.StartAsync();
        Assert.False(line["ok"]!.GetValue<bool>());
        Assert.Contains($"schema version 999; this coven-lane writes versions 1..{CovenStore.LatestSchemaVersion}", (string?)line["reason"], StringComparison.Ordinal);
        Assert.Null(lane.Store.Sessions.Get(lane.Session)!.HarnessProcess);
        Assert.Equal(seqBefore, lane.Store.Events.LastSeq(lane.Session));
    }

    [Fact]
    public async Task Hello_ReportsTheSchemaRange()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("echo READY; exec sleep 1000");
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();
        var hello = await client.RequestAsync("hello", new JsonObject { ["sessionId"] = lane.Session.ToString() });
        Assert.Equal(CovenStore.LaneOldestSchemaVersion, hello["schemaMin"]!.GetValue<int>());
        Assert.Equal(CovenStore.LatestSchemaVersion, hello["schemaMax"]!.GetValue<int>());
    }
}
