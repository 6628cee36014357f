using System.Diagnostics;
using Coven.Core;
using Coven.Store;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 item 12: covend does not migrate the store under a running lane that cannot write the new schema.</summary>
public sealed class SchemaContractTests
{
    // An "old" lane: serves hello on the lane socket without schemaMin/schemaMax, as lanes before the contract did.
    private const string OldLane = """
        import json, os, socket, struct, sys
        path, sid = sys.argv[1], sys.argv[2]
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(4)
        print("listening", flush=True)
        while True:
            c, _ = srv.accept()
            try:
                while True:
                    head = c.recv(4)
                    if len(head) < 4:
                        break
                    n = struct.unpack(">I", head)[0]
                    req = json.loads(c.recv(n))
                    answer = {"id": req["id"], "ok": True, "protocol": 1, "sessionId": sid, "lanePid": os.getpid(), "laneStartTime": 0}
                    if len(sys.argv) > 3:
                        answer.update(schemaMin=1, schemaMax=int(sys.argv[3]))
                    body = json.dumps(answer).encode()
                    c.sendall(struct.pack(">I", len(body)) + body)
            except OSError:
                pass
            c.close()
        """;

    [Fact]
    public async Task OldStoreWithALiveLaneThatCannotWriteTheNewSchema_IsNotMigrated_UntilTheLaneIsGone()
    {
        await using var home = MigratedHome(out var db);

        // Back to schema v1 (what an older covend created), with one live session whose lane is the old lane.
        var session = SessionId.New();
        using var lane = await StartOldLaneAsync(home, session);
        try
        {
            Assert.True(ProcessIdentity.TryRead(lane.Id, out var identity));
            var now = Timestamps.Of(DateTimeOffset.UtcNow);
            SqliteTools.Execute(db, $"""
                DROP TABLE familiars; DROP TABLE project_settings;
                ALTER TABLE sessions DROP COLUMN conversation_id; DROP TABLE session_worktrees;
                ALTER TABLE sessions DROP COLUMN activity; ALTER TABLE sessions DROP COLUMN activity_since; ALTER TABLE sessions DROP COLUMN activity_reason;
                DROP TABLE output_fts; DROP TABLE output_lines; DROP TABLE output_sessions; DROP TABLE output_index_cursor;
                PRAGMA user_version = 1;
                INSERT INTO sessions (id, project_root, cwd, harness, title, status, created_at, updated_at, lane_pid, lane_start_time)
                VALUES ('{session}', '{home.Project}', '{home.Project}', 'codex', 't', 'live', '{now}', '{now}', {identity.Pid}, {identity.StartTime});
                """);

            var daemon = await home.StartAsync(waitUntilReady: false, captureOutput: true);
            var stderr = daemon.Process.StandardError.ReadToEndAsync();
            Assert.Equal(DaemonExitCodes.LanesBlockMigration, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var line = await stderr;
            Assert.Contains($"cannot write v{CovenStore.LatestSchemaVersion}", line, StringComparison.Ordinal);
            Assert.Contains(session.Value, line, StringComparison.Ordinal);
            Assert.Equal(1L, SqliteTools.Scalar(db, "PRAGMA user_version;"));
            Assert.Equal(0L, SqliteTools.Scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'familiars';"));
        }
        finally
        {
            lane.Kill();
            await lane.WaitForExitAsync();
        }

        // The lane is gone: covend migrates and starts (and resolves the session as lost).
        var next = await StartReadyAsync(home, "covend did not start after the lane ended: ");

        Assert.Equal((long)CovenStore.LatestSchemaVersion, SqliteTools.Scalar(db, "PRAGMA user_version;"));
        Assert.NotEqual("live", await next.Api.StatusAsync(session.Value));
    }


    /// <summary>
    /// Issue 14: a live lane whose schemaMax is below what lanes must write in this store is refused with its reason at
    /// re-attach (health, the error of every request that needs it), and left running: not orphaned, not killed. A
    /// real build cannot produce such a lane (it needs a build of an older schema and a store migrated past it, which
    /// the rule above prevents), so the python lane plays it.
    /// </summary>
    [Fact]
    public async Task A_live_lane_that_writes_an_older_schema_than_lanes_must_is_refused_with_its_reason_and_left_running()
    {
        await using var home = MigratedHome(out var db);

        var session = SessionId.New();
        var old = CovenStore.LaneSchemaNeeded - 1;
        using var lane = await StartOldLaneAsync(home, session, schemaMax: old);
        try
        {
            Assert.True(ProcessIdentity.TryRead(lane.Id, out var identity));
            var now = Timestamps.Of(DateTimeOffset.UtcNow);
            SqliteTools.Execute(db, $"""
                INSERT INTO sessions (id, project_root, cwd, harness, title, status, created_at, updated_at, lane_pid, lane_start_time)
                VALUES ('{session}', '{home.Project}', '{home.Project}', 'codex', 't', 'live', '{now}', '{now}', {identity.Pid}, {identity.StartTime});
                """);

            var daemon = await StartReadyAsync(home, "covend did not start: ");
            var reason = $"its coven-lane writes store schema up to v{old}; this covend {ProductVersion.Number} needs lanes that write v{CovenStore.LaneSchemaNeeded} or later";
            var entry = Assert.Single((await daemon.Api.GetAsync("api/v1/health")).Json.GetProperty("lanes").EnumerateArray());
            Assert.Equal(session.Value, entry.GetProperty("sessionId").GetString());
            Assert.Equal("refused", entry.GetProperty("status").GetString());
            Assert.Equal(reason, entry.GetProperty("reason").GetString());
            Assert.Equal(identity.Pid, entry.GetProperty("pid").GetInt32());

            var input = await daemon.Api.PostAsync($"api/v1/sessions/{session}/input", """{"data":"x"}""");
            Assert.Equal(System.Net.HttpStatusCode.Conflict, input.Status);
            Assert.Equal("session_not_live", input.ErrorCode);
            var error = input.Json.GetProperty("error");
            Assert.StartsWith($"covend does not drive this session's lane: {reason}. The session keeps running", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal("lane_incompatible", error.GetProperty("details").GetProperty("laneError").GetString());

            Assert.Equal("live", await daemon.Api.StatusAsync(session.Value));
            Assert.False(lane.HasExited, "the refused lane was killed");
        }
        finally
        {
            lane.Kill();
            await lane.WaitForExitAsync();
        }
    }

    /// <summary>A daemon home whose store is at the latest schema; python3 plays the lanes of these tests.</summary>
    private static DaemonHome MigratedHome(out string db)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 is required (it plays the old lanes)");
        var home = new DaemonHome();
        db = Path.Combine(home.Home, "coven.db");
        using var store = new CovenStore(db);
        store.Migrate();
        return home;
    }

    /// <summary>The python lane on the session's lane socket, listening; with <paramref name="schemaMax"/> its hello says so.</summary>
    private static async Task<Process> StartOldLaneAsync(DaemonHome home, SessionId session, int? schemaMax = null)
    {
        Directory.CreateDirectory(Path.Combine(home.Home, "lanes"));
        var info = new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { "-c", OldLane, Path.Combine(home.Home, "lanes", session + ".sock"), session.Value }, RedirectStandardOutput = true, UseShellExecute = false };
        if (schemaMax is { } max)
        {
            info.ArgumentList.Add(max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var lane = Process.Start(info)!;
        Assert.Equal("listening", await lane.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        return lane;
    }

    /// <summary>Starts covend and waits until it answers; when it exits instead, fails with its stderr.</summary>
    private static async Task<DaemonProcess> StartReadyAsync(DaemonHome home, string failure)
    {
        var daemon = await home.StartAsync(waitUntilReady: false, captureOutput: true);
        var stderr = daemon.Process.StandardError.ReadToEndAsync();
        _ = daemon.Process.StandardOutput.ReadToEndAsync();
        try
        {
            await daemon.WaitUntilReadyAsync();
        }
        catch (Xunit.Sdk.XunitException)
        {
            await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Assert.Fail(failure + await stderr);
        }

        return daemon;
    }

    [Fact]
    public async Task A_live_lane_that_writes_v5_does_not_block_v6_v7_and_v8_which_change_only_daemon_owned_tables()
    {
        Assert.Equal(8, CovenStore.LatestSchemaVersion);
        Assert.Equal(5, CovenStore.LaneSchemaNeeded);
        await using var home = MigratedHome(out var db);

        var session = SessionId.New();
        using var lane = await StartOldLaneAsync(home, session, schemaMax: 5);
        try
        {
            Assert.True(ProcessIdentity.TryRead(lane.Id, out var identity));
            var now = Timestamps.Of(DateTimeOffset.UtcNow);
            SqliteTools.Execute(db, $"""
                DROP TABLE output_fts; DROP TABLE output_lines; DROP TABLE output_sessions; DROP TABLE output_index_cursor;
                ALTER TABLE familiars DROP COLUMN worktree;
                PRAGMA user_version = 5;
                INSERT INTO sessions (id, project_root, cwd, harness, title, status, created_at, updated_at, lane_pid, lane_start_time)
                VALUES ('{session}', '{home.Project}', '{home.Project}', 'codex', 't', 'live', '{now}', '{now}', {identity.Pid}, {identity.StartTime});
                """);

            await StartReadyAsync(home, "covend did not migrate under a v5 lane: ");

            Assert.Equal(8L, SqliteTools.Scalar(db, "PRAGMA user_version;"));
            Assert.Equal(1L, SqliteTools.Scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'output_lines';"));
            Assert.Equal(1L, SqliteTools.Scalar(db, "SELECT count(*) FROM pragma_table_info('familiars') WHERE name = 'worktree';"));
        }
        finally
        {
            lane.Kill();
            await lane.WaitForExitAsync();
        }
    }
}
