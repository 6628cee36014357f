using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Coven.TestSupport;
using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 item 9: a locked store answers 503 store_busy quickly, a full disk 507 store_full; health says so.</summary>
public sealed class StoreFaultTests
{
    [Fact]
    public async Task HeldWriteLock_Gives503StoreBusyWithRetryAfter_Quickly_ThenWorksAgain()
    {
        await using var home = new DaemonHome();
        var daemon = await home.StartAsync();
        var body = JsonSerializer.Serialize(new { projectRoot = home.Project, harness = "codex", prompt = "hi" });

        using (var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(home.Home, "coven.db"), Pooling = false }.ToString()))
        {
            holder.Open();
            using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                begin.ExecuteNonQuery();
            }

            var sw = Stopwatch.StartNew();
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await daemon.Client.PostAsync("api/v1/sessions", content);
            var elapsed = sw.Elapsed;
            var reply = await Reply.ReadAsync(response);
            Assert.True(reply.Status == HttpStatusCode.ServiceUnavailable, reply.Text);
            Assert.Equal("store_busy", reply.ErrorCode);
            Assert.Equal("1", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"store_busy took {elapsed}");

            var health = await daemon.Api.GetAsync("api/v1/health");
            Assert.Equal("busy", health.Json.GetProperty("store").GetProperty("state").GetString());

            using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        await daemon.Api.LaunchAsync(home.Project);
        Assert.Equal("ok", (await daemon.Api.GetAsync("api/v1/health")).Json.GetProperty("store").GetProperty("state").GetString());
    }

    [Fact]
    public async Task FullDisk_Gives507StoreFull_NeverAnEmptyReply_ThenWorksAgain()
    {
        var home = new DaemonHome();
        var mount = Tmpfs.MountHome(home, "8m");
        try
        {
            var daemon = await home.StartAsync();
            await daemon.Api.LaunchAsync(home.Project);

            var filler = Path.Combine(home.Home, "filler");
            Tmpfs.Fill(filler);

            Reply? full = null;
            for (var i = 0; i < 50 && full is null; i++)
            {
                var r = await daemon.Api.PostAsync("api/v1/sessions", JsonSerializer.Serialize(new { projectRoot = home.Project, harness = "codex", prompt = new string('p', 20000) }));
                Assert.True(r.Text.Length > 0, "empty reply with the disk full");
                Assert.True(r.Status is HttpStatusCode.Created or (HttpStatusCode)507 or HttpStatusCode.InternalServerError, $"{(int)r.Status} {r.Text}");
                if (r.Status == (HttpStatusCode)507)
                {
                    full = r;
                }
                else if (r.Status == HttpStatusCode.InternalServerError)
                {
                    // The lane (not the request) could not write: reported as a failed launch, never a codeless 500.
                    Assert.Equal("launch_failed", r.ErrorCode);
                }
            }

            Assert.True(full is not null, "no request met the full disk");
            Assert.Equal("store_full", full!.ErrorCode);
            Assert.Equal("full", (await daemon.Api.GetAsync("api/v1/health")).Json.GetProperty("store").GetProperty("state").GetString());

            File.Delete(filler);
            await daemon.Api.LaunchAsync(home.Project);
            Assert.Equal("ok", (await daemon.Api.GetAsync("api/v1/health")).Json.GetProperty("store").GetProperty("state").GetString());
        }
        finally
        {
            await Tmpfs.DisposeHomeAsync(home, mount);
        }
    }

    [Fact]
    public async Task FullDisk_InputThatCannotBeSpilledEither_SaysSpilledFalse_AndIsRecordedOnceSpaceIsFreed()
    {
        var home = new DaemonHome();
        var mount = Tmpfs.MountHome(home, "8m");
        try
        {
            var daemon = await home.StartAsync();
            var id = await daemon.Api.LaunchAsync(home.Project);
            await daemon.Api.WaitForOutputAsync(id, "ready");

            var filler = Path.Combine(home.Home, "filler");
            Tmpfs.Fill(filler);

            // The WAL may still have room for a few events; the spill (a new file) has none.
            Reply? deferred = null;
            var marker = string.Empty;
            for (var i = 0; i < 200 && deferred is null; i++)
            {
                marker = $"full-{i:D3}-" + new string('x', 2000);
                var r = await daemon.Api.PostAsync($"api/v1/sessions/{id}/input", JsonSerializer.Serialize(new { data = marker + "\n" }));
                Assert.True(r.Status == HttpStatusCode.Accepted, r.ToString());
                if (r.Json.TryGetProperty("recorded", out var recorded) && !recorded.GetBoolean())
                {
                    deferred = r;
                }
            }

            Assert.True(deferred is not null, "no input met the full disk");
            Assert.True(deferred!.Json.GetProperty("delivered").GetBoolean());
            Assert.Equal("store_full", deferred.Json.GetProperty("storeError").GetString());
            Assert.False(deferred.Json.GetProperty("spilled").GetBoolean(), deferred.ToString());

            // In memory only, as before the spill: written once the store accepts writes, and no spill is left behind.
            File.Delete(filler);
            Assert.True(await Eventually.TrueAsync(async () => (await daemon.Api.GetAsync($"api/v1/sessions/{id}/events?kind=input&limit=500")).Text.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15)));
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(Path.Combine(home.Home, "spill", "events.jsonl"))), TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await Tmpfs.DisposeHomeAsync(home, mount);
        }
    }
}
