using System.Net;
using System.Text.Json;
using Coven.TestSupport;
using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Tests;

/// <summary>
/// Issue 12 items 2 and 5: kill and input while another process holds the store's write lock (a real
/// <c>BEGIN IMMEDIATE</c> on coven.db from the test), and what the session looks like once the lock is gone.
/// </summary>
public sealed class StoreWriteFaultTests : IAsyncLifetime
{
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

    private async Task<List<string>> InputEventsAsync(string id)
    {
        var page = await _daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=input&limit=100");
        return [.. page.Json.GetProperty("events").EnumerateArray().Select(e =>
        {
            using var payload = JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!);
            return payload.RootElement.GetProperty("data").GetString()!;
        })];
    }
}
