using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// Issue 12 item 1: the cwd is resolved beneath the root at spawn time; a symlink swapped in after the daemon's check
/// cannot move the harness out, and the session records the directory actually used.
/// </summary>
public sealed class CwdConfinementTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        // /proc/self/cwd tells the truth even when the swap loop has removed the directory meanwhile ("... (deleted)").
        _home.Harness.Write("codex", """printf 'cwd=%s\n' "$(readlink /proc/$$/cwd)"; printf 'done\n'""");
        _daemon = await _home.StartAsync();
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task CwdSwappedWithASymlinkToEtc_WhileLaunching_NoHarnessStartsOutsideTheRoot()
    {
        var w = Path.Combine(_home.Project, "w");
        var inside = Path.Combine(_home.Project, "inside");
        Directory.CreateDirectory(w);
        Directory.CreateDirectory(inside);
        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var errors = new List<string>();
        var swapper = Task.Run(() =>
        {
            // directory → symlink out of the root → directory → relative symlink to a sibling inside the root
            for (var step = 0; !stop.IsCancellationRequested; step++)
            {
                try
                {
                    if (new FileInfo(w).LinkTarget is not null)
                    {
                        File.Delete(w);
                    }
                    else if (Directory.Exists(w))
                    {
                        Directory.Delete(w);
                    }

                    switch (step % 4)
                    {
                        case 1:
                            File.CreateSymbolicLink(w, "/etc");
                            break;
                        case 3:
                            File.CreateSymbolicLink(w, "inside");
                            break;
                        default:
                            Directory.CreateDirectory(w);
                            break;
                    }

                    swaps++;

                    // The fault's pacing, not synchronization: each state holds ~2 ms, so most of the time w exists
                    // and launches pass the daemon's check while the swap still lands between check and spawn.
                    Thread.Sleep(2);
                }
                catch (IOException e)
                {
                    errors.Add(e.Message);
                }
            }
        });

        var body = JsonSerializer.Serialize(new { projectRoot = _home.Project, cwd = "w", harness = "codex" });
        var replies = new List<Reply>();
        try
        {
            // Rounds of 60 launches (4 at a time) until one met the swap between the daemon's check and the lane's
            // spawn, at most 8: with lanes started ahead of launches that window is narrow, and how often a round
            // lands in it depends on the machine's load.
            for (var round = 0; round < 8 && !replies.Any(RefusedByTheLane); round++)
            {
                var streams = Enumerable.Range(0, 4).Select(async _ =>
                {
                    var mine = new List<Reply>();
                    for (var i = 0; i < 15; i++)
                    {
                        mine.Add(await _daemon.Api.PostAsync("api/v1/sessions", body));
                    }

                    return mine;
                });
                foreach (var batch in await Task.WhenAll(streams))
                {
                    replies.AddRange(batch);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await swapper;
        }

        Assert.True(swaps > 10, $"the swap loop ran only {swaps} times: {string.Join("; ", errors.Distinct().Take(3))}");
        var started = replies.Where(r => r.Status == HttpStatusCode.Created).ToList();
        foreach (var r in replies.Where(r => r.Status != HttpStatusCode.Created))
        {
            // Refused at the check (symlink or missing at request time) or by the lane at spawn time: never a crash.
            Assert.Contains(r.ErrorCode, new[] { "path_outside_root", "invalid_request", "launch_failed", "project_root_invalid" });
        }

        Assert.True(started.Count > 0, "no launch was accepted at all: " + string.Join(", ", replies.Select(r => r.Text).Distinct().Take(5)));
        var lanesRefused = replies.Count(RefusedByTheLane);

        // The race was really produced: some launches passed the daemon's check and met the symlink at spawn time
        // (on a build that chdir()s by path, these are the harnesses that ran in /etc).
        Assert.True(lanesRefused > 0, $"no launch met the symlink at spawn time ({started.Count} started of {replies.Count}); the race was not produced");
        foreach (var r in started)
        {
            var id = r.Json.GetProperty("id").GetString()!;
            string output = string.Empty;
            Assert.True(
                await Eventually.TrueAsync(async () => (output = await _daemon.Api.OutputAsync(id)).Contains("done", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
                $"session {id} printed no cwd: {output}");
            var cwd = output.Split('\n').First(l => l.StartsWith("cwd=", StringComparison.Ordinal))["cwd=".Length..].TrimEnd('\r').Replace(" (deleted)", string.Empty, StringComparison.Ordinal);
            Assert.True(cwd == w || cwd == inside, $"harness of {id} ran in '{cwd}', outside {_home.Project} ({started.Count} started, {lanesRefused} refused by the lane)");

            // The record names the directory the harness really started in.
            var recorded = (await _daemon.Api.GetAsync($"api/v1/sessions/{id}")).Json.GetProperty("cwd").GetString();
            Assert.Equal(cwd, recorded);
        }
    }

    private static bool RefusedByTheLane(Reply r) =>
        r.ErrorCode == "launch_failed" && r.Text.Contains("outside the project root", StringComparison.Ordinal);
}
