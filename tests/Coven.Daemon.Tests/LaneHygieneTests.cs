using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 items 15, 16 and 17 against a real daemon and real lanes.</summary>
public sealed class LaneHygieneTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        _home.Environment["COVEN_PENDING_TIMEOUT"] = "30s";
        _home.Environment["COVEN_TEST_INTERNAL_MARKER"] = "internal-marker-value";
        _daemon = await _home.StartAsync();
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task HarnessEnvironment_HasNoCovenInternals()
    {
        var exe = _home.Harness.Write("envdump", """
            env | sed 's/^/env: /'
            printf 'ready\n'
            while IFS= read -r line; do :; done
            """);
        _home.Register(("envdump", exe));
        var id = await _daemon.Api.LaunchAsync(_home.Project, "envdump", null);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        var output = await _daemon.Api.OutputAsync(id);
        Assert.Contains("env: PATH=", output, StringComparison.Ordinal);

        // Before the fix: COVEN_SWEEP_INTERVAL, COVEN_PENDING_TIMEOUT and any other COVEN_* of the daemon reached the harness.
        // The only COVEN_* a harness sees are the two its activity hooks use (docs/attention.md), set by its own lane.
        var coven = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("env: COVEN_", StringComparison.Ordinal)).Select(l => l[5..l.IndexOf('=', StringComparison.Ordinal)]).Order(StringComparer.Ordinal);
        Assert.Equal(["COVEN_ACTIVITY_HOOK", "COVEN_ACTIVITY_SOCKET"], coven);
        Assert.DoesNotContain("internal-marker-value", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sacrifice_RemovesTheLaneLog()
    {
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        var log = Path.Combine(_home.Home, "logs", $"lane-{id}.log");
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        Assert.True(File.Exists(log));
        Assert.Equal(HttpStatusCode.Accepted, (await _daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"graceMs": 0}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) != "live", TimeSpan.FromSeconds(15)));

        var sacrificed = await _daemon.Api.PostAsync($"api/v1/sessions/{id}/sacrifice", """{"confirm": true}""");
        Assert.Equal(HttpStatusCode.OK, sacrificed.Status);
        Assert.False(File.Exists(log), "the lane log outlived its sacrificed session");
    }

    [Fact]
    public async Task WorkingDirectoryThatVanishesDuringLaunch_IsReportedAsSuch()
    {
        // A real race: the cwd is removed and re-created as fast as the machine allows while launches go on. A launch
        // planned while it existed and spawned while it did not must say the directory vanished, not "No such file".
        var cwd = Path.Combine(_home.Project, "w");
        Directory.CreateDirectory(cwd);
        using var stop = new CancellationTokenSource();
        var toggler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Directory.Delete(cwd);
                    Directory.CreateDirectory(cwd);
                }
                catch (IOException)
                {
                    Directory.CreateDirectory(cwd);
                }
            }
        });

        var failures = new List<string>();
        var attempts = 0;
        try
        {
            // Each launch is one draw of the race; a warm lane starts the harness within a millisecond of the plan, so
            // the draws are many and quick: as many as 30 s allow, until three met the vanished directory.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (; clock.Elapsed < TimeSpan.FromSeconds(30) && failures.Count < 3; attempts++)
            {
                var r = await _daemon.Api.PostAsync("api/v1/sessions", JsonSerializer.Serialize(new { projectRoot = _home.Project, cwd = "w", harness = "codex" }));
                if (r.Status == HttpStatusCode.InternalServerError)
                {
                    Assert.Equal("launch_failed", r.ErrorCode);
                    failures.Add(r.Json.GetProperty("error").GetProperty("message").GetString()!);
                }
                else
                {
                    // Planned while absent (400 invalid_request) or started while present (201): both fine.
                    Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.BadRequest, r.ToString());
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await toggler;
        }

        Assert.True(failures.Count > 0, $"no launch met the vanished directory in {attempts} attempts");
        Assert.All(failures, m => Assert.Contains($"the working directory '{cwd}' vanished", m, StringComparison.Ordinal));
    }
}
