using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 item 6: a full log disk never breaks a request; dropped lines are reported once the log works again.</summary>
public sealed class LogDiskFullTests
{
    [Fact]
    public async Task FullLogDisk_EveryRequestIsAnswered_DropsAreReportedAfterwards()
    {
        var home = new DaemonHome();
        var logs = Path.Combine(home.Home, "logs");
        var mount = Tmpfs.Mount(logs, "256k");
        try
        {
            var daemon = await home.StartAsync();
            var filler = Path.Combine(logs, "filler");
            Tmpfs.Fill(filler);

            // Each of these logs at least one line (launch, kill, failures, archive).
            var id = await daemon.Api.LaunchAsync(home.Project);
            var resize = await daemon.Api.PostAsync($"api/v1/sessions/{id}/resize", """{"cols":100,"rows":30}""");
            Assert.True((int)resize.Status is >= 200 and < 300, resize.Text);
            var kill = await daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", "{}");
            Assert.True((int)kill.Status is >= 200 and < 300, kill.Text);
            Assert.True(await Eventually.TrueAsync(async () => await daemon.Api.StatusAsync(id) is "finished" or "failed", TimeSpan.FromSeconds(15)));
            var archive = await daemon.Api.PostAsync($"api/v1/sessions/{id}/archive", "{}");
            Assert.True((int)archive.Status is >= 200 and < 300, archive.Text);
            var bad = await daemon.Api.PostAsync("api/v1/sessions", JsonSerializer.Serialize(new { projectRoot = "/nonexistent", harness = "codex" }));
            Assert.Equal("project_root_invalid", bad.ErrorCode);
            Assert.Equal(HttpStatusCode.OK, (await daemon.Api.GetAsync("api/v1/health")).Status);

            // More than the last partly used page of covend.log can take: lines are certainly dropped.
            for (var i = 0; i < 15; i++)
            {
                var more = await daemon.Api.LaunchAsync(home.Project);
                var k = await daemon.Api.PostAsync($"api/v1/sessions/{more}/kill", "{}");
                Assert.True((int)k.Status is >= 200 and < 300, k.Text);
            }

            Assert.False(daemon.Process.HasExited);

            File.Delete(filler);
            await daemon.Api.LaunchAsync(home.Project);
            var log = await File.ReadAllTextAsync(Path.Combine(logs, "covend.log"));
            Assert.Matches(@"\d+ log lines were dropped because the log could not be written", log);
        }
        finally
        {
            await Tmpfs.DisposeHomeAsync(home, mount);
        }
    }
}
