using System.Net;
using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.TestSupport;
using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Tests;

/// <summary>
/// Issue 12 items 2 and 5: kill and input while another process holds the store's write lock (a real
/// <c>BEGIN IMMEDIATE</c> on coven.db from the test), and what the session looks like once the lock is gone, also when
/// covend was killed (SIGKILL) before that (the spill of deferred input).
/// </summary>
public sealed class StoreWriteFaultTests : IAsyncLifetime
{
    /// <summary>Typed in clear as input while the store is locked; must never reach a file (issue 12 item 5, the spill).</summary>
    private const string SpillToken = "ghp_Sp1llT0k3nN3v3rInCl3arXy9Zq8Wv7Ut6Sr";

    private readonly DaemonHome _home = new();
    private readonly List<HttpClient> _clients = [];
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _home.DisposeAsync();
    }

    [Fact]
    public async Task KillThatFailedOnALockedStore_DoesNotBlockTheNextKill()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));

        using (var holder = HoldWriteLock())
        {
            var failed = await Patient().PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs": 0}""");
            Assert.True(failed.Status != HttpStatusCode.Accepted, failed.ToString());
            Assert.NotNull(failed.ErrorCode);
            Release(holder);
        }

        // Before the fix: 409 "a kill is already in progress" for as long as the daemon lives.
        var kill = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs": 0}""");
        Assert.True(kill.Status == HttpStatusCode.Accepted, kill.ToString());
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) != "live", TimeSpan.FromSeconds(15)));
        var session = (await _daemon.Api.GetAsync($"api/v1/sessions/{id}")).Json;
        Assert.Equal("killed", session.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task InputOnALockedStore_SaysDeliveredNotRecorded_AndIsRecordedOnceTheStoreAcceptsWrites()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));

        using (var holder = HoldWriteLock())
        {
            var input = await Patient().PostAsync($"api/v1/sessions/{id}/input", """{"data": "locked-marker\n"}""");

            // Before the fix: 500 internal although the harness got the bytes.
            Assert.True(input.Status == HttpStatusCode.Accepted, input.ToString());
            Assert.True(input.Json.GetProperty("delivered").GetBoolean());
            Assert.False(input.Json.GetProperty("recorded").GetBoolean());
            Assert.Equal("store_busy", input.Json.GetProperty("storeError").GetString());
            Assert.Empty(await InputEventsAsync(id));
            Release(holder);
        }

        Assert.True(await Eventually.TrueAsync(async () => (await InputEventsAsync(id)).Contains("locked-marker\n"), TimeSpan.FromSeconds(15)));
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("got: locked-marker", StringComparison.Ordinal), TimeSpan.FromSeconds(15)));

        // A normal input afterwards is recorded at once, with the plain answer.
        var next = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data": "after\n"}""");
        Assert.Equal(HttpStatusCode.Accepted, next.Status);
        Assert.False(next.Json.TryGetProperty("delivered", out _));
        Assert.Contains("after\n", await InputEventsAsync(id));
    }

    [Fact]
    public async Task InputOnALockedStore_CovendKilledBeforeTheStoreRecovers_IsRecordedOnceAtTheNextStart_NeverInClear()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        var spillFile = Path.Combine(_home.Home, "spill", "events.jsonl");

        byte[] spilled;
        DateTimeOffset sent, answered;
        using (var holder = HoldWriteLock())
        {
            sent = DateTimeOffset.UtcNow;
            var input = await Patient().PostAsync($"api/v1/sessions/{id}/input", $$"""{"data": "export GITHUB_TOKEN={{SpillToken}}\n"}""");
            answered = DateTimeOffset.UtcNow;
            Assert.True(input.Status == HttpStatusCode.Accepted, input.ToString());
            Assert.False(input.Json.GetProperty("recorded").GetBoolean());
            Assert.True(input.Json.GetProperty("spilled").GetBoolean(), input.ToString());

            // On disk before the answer, private, one line, already redacted.
            spilled = await File.ReadAllBytesAsync(spillFile);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spillFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(spillFile)!));
            Assert.Equal(1, spilled.Count(b => b == (byte)'\n'));
            Assert.True(spilled.AsSpan().IndexOf("GITHUB_TOKEN=[redacted:"u8) >= 0, Encoding.UTF8.GetString(spilled));
            Assert.True(spilled.AsSpan().IndexOf(Encoding.UTF8.GetBytes(SpillToken)) < 0, "the spill holds the token in clear");

            // covend dies while the store still refuses the write (without the spill the input was never recorded).
            _daemon.Kill9();
            await _daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Release(holder);
        }

        _daemon = await _home.StartAsync();
        var events = await InputEventRecordsAsync(id);
        var only = Assert.Single(events);
        Assert.StartsWith("export GITHUB_TOKEN=[redacted:", only.Data, StringComparison.Ordinal);
        Assert.EndsWith("\n", only.Data, StringComparison.Ordinal);
        Assert.InRange(only.CreatedAt, sent.AddSeconds(-1), answered);
        Assert.False(File.Exists(spillFile), "the spill is removed once its events are in the store");
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("got: export GITHUB_TOKEN=[redacted:", StringComparison.Ordinal), TimeSpan.FromSeconds(15)));

        // The state a covend leaves that dies after writing the events and before removing the spill: the replay at
        // the next start finds the event already in the store and does not write it again.
        _daemon.Kill9();
        await _daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
        File.WriteAllBytes(spillFile, spilled);
        _daemon = await _home.StartAsync();
        Assert.Equal(events, await InputEventRecordsAsync(id));
        Assert.False(File.Exists(spillFile));
        var log = Path.Combine(_home.Home, "logs", "covend.log");
        Assert.True(await Eventually.TrueAsync(async () => (await File.ReadAllTextAsync(log)).Contains("was already recorded; not written twice", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));

        // The token was typed in clear; no file under COVEN_HOME (store, WAL, logs, spill) holds it. The session ends
        // first, so its lane flushes its log and removes its socket (not a file to read).
        Assert.Equal(HttpStatusCode.Accepted, (await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data": "exit 0\n"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) == "finished", TimeSpan.FromSeconds(15)));
        _daemon.Terminate();
        await _daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var token = Encoding.UTF8.GetBytes(SpillToken);
        var files = Directory.EnumerateFiles(_home.Home, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("coven.db", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => File.ReadAllBytes(f).AsSpan().IndexOf(token) >= 0);
    }

    [Fact]
    public async Task SubmitOnALockedStore_SaysDeliveredNotRecorded_AndBothWritesAreRecordedOnceTheStoreAcceptsWrites()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));

        using (var holder = HoldWriteLock())
        {
            // Before: the text and Enter reached the harness, and the answer was 503 store_busy.
            var submit = await Patient().PostAsync($"api/v1/sessions/{id}/input", """{"data": "submitted-marker", "submit": true}""");
            Assert.True(submit.Status == HttpStatusCode.Accepted, submit.ToString());
            Assert.True(submit.Json.GetProperty("delivered").GetBoolean());
            Assert.False(submit.Json.GetProperty("recorded").GetBoolean());
            Assert.Equal("store_busy", submit.Json.GetProperty("storeError").GetString());
            Assert.True(submit.Json.GetProperty("spilled").GetBoolean());
            Release(holder);
        }

        Assert.True(await Eventually.TrueAsync(async () => (await InputEventsAsync(id)).SequenceEqual(["submitted-marker", "\r"]), TimeSpan.FromSeconds(15)));
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("got: submitted-marker", StringComparison.Ordinal), TimeSpan.FromSeconds(15)));
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(Path.Combine(_home.Home, "spill", "events.jsonl"))), TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// A client that outwaits the store's lock wait (Microsoft.Data.Sqlite retries SQLITE_BUSY for the 30 s command
    /// timeout on this branch; the default client gives up at 30 s).
    /// </summary>
    private Api Patient()
    {
        var client = UnixSocketHttp.Create(_home.Socket);
        client.Timeout = TimeSpan.FromSeconds(120);
        _clients.Add(client);
        return new Api(client);
    }

    private SqliteConnection HoldWriteLock()
    {
        var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_home.Home, "coven.db"), Pooling = false }.ToString());
        holder.Open();
        using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        begin.ExecuteNonQuery();
        return holder;
    }

    private static void Release(SqliteConnection holder)
    {
        using var rollback = holder.CreateCommand();
        rollback.CommandText = "ROLLBACK;";
        rollback.ExecuteNonQuery();
    }

    private async Task<List<(string Data, DateTimeOffset CreatedAt, string Id)>> InputEventRecordsAsync(string id)
    {
        var page = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=input&limit=100");
        return [.. page.Json.GetProperty("events").EnumerateArray().Select(e =>
        {
            using var payload = JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!);
            return (payload.RootElement.GetProperty("data").GetString()!, Timestamps.Parse(e.GetProperty("createdAt").GetString()!), e.GetProperty("id").GetString()!);
        })];
    }

    private async Task<List<string>> InputEventsAsync(string id) => [.. (await InputEventRecordsAsync(id)).Select(e => e.Data)];
}
