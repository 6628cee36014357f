using System.Collections.Concurrent;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// Issue 15: when the disk is full the lanes wait (losing nothing), and every surface says "store full" instead of
/// a silent stall: health, the session list, the event stream, <c>coven doctor</c> and <c>coven ls</c>. A real tmpfs.
/// </summary>
public sealed class StoreFullTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_full_disk_is_said_by_health_list_stream_doctor_and_ls_and_clears_when_space_is_freed()
    {
        var home = new DaemonHome();
        var mount = Tmpfs.MountHome(home, "16m");
        try
        {
            var daemon = await home.StartAsync();
            var id = await daemon.Api.LaunchAsync(home.Project);
            await daemon.Api.WaitForOutputAsync(id, "ready");

            var notices = new ConcurrentQueue<SseReader.SseEvent>();
            var stream = SseReader.ReadAllAsync(daemon.Client, $"api/v1/sessions/{id}/stream", TimeSpan.FromSeconds(120), e =>
            {
                if (e.Event == "store")
                {
                    notices.Enqueue(e);
                }
            });

            string State(Reply health) => health.Json.GetProperty("store").GetProperty("state").GetString()!;
            Assert.Equal("ok", State(await daemon.Api.GetAsync("api/v1/health")));
            Assert.Equal("ok", (await daemon.Api.GetAsync("api/v1/sessions")).Json.GetProperty("storeState").GetString());

            // Fill the file system. No request has failed (the probe sees it): a lane would wait, silently, at its next write.
            var filler = Path.Combine(home.Home, "filler");
            Tmpfs.Fill(filler);

            var health = await daemon.Api.GetAsync("api/v1/health");
            Assert.Equal("full", State(health));
            Assert.Contains("store full", health.Json.GetProperty("store").GetProperty("lastError").GetString(), StringComparison.Ordinal);
            Assert.Equal("full", (await daemon.Api.GetAsync("api/v1/sessions")).Json.GetProperty("storeState").GetString());
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(notices.Any(n => n.Data.Contains("\"state\":\"full\"", StringComparison.Ordinal))), s_wait, TimeSpan.FromMilliseconds(50)), "no store event in the stream");

            var cli = new CovenCli(home.Home, home.Harness.BinDir);
            var doctor = await cli.RunAsync("doctor");
            Assert.Contains("store full", doctor.Stdout + doctor.Stderr, StringComparison.Ordinal);
            var ls = await cli.RunAsync("ls");
            Assert.True(ls.ExitCode == 0, ls.ToString());
            Assert.Contains(id[^6..], ls.Stdout, StringComparison.Ordinal);
            Assert.Contains("STORE FULL", ls.Stderr, StringComparison.Ordinal);

            // Space again: every surface says ok, and so does the stream.
            File.Delete(filler);
            Assert.Equal("ok", State(await daemon.Api.GetAsync("api/v1/health")));
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(notices.Any(n => n.Data.Contains("\"state\":\"ok\"", StringComparison.Ordinal))), s_wait, TimeSpan.FromMilliseconds(50)), "no store ok event in the stream");
            Assert.DoesNotContain("STORE FULL", (await cli.RunAsync("ls")).Stderr, StringComparison.Ordinal);

            await daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"exit 0\n"}""");
            await stream;
        }
        finally
        {
            await Tmpfs.DisposeHomeAsync(home, mount);
        }
    }
}
