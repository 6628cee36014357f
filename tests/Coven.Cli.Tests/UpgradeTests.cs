using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coven.Core;
using Coven.TestSupport;
using Xunit.Abstractions;

namespace Coven.Cli.Tests;

/// <summary>
/// Issue 14, "Upgrade with live sessions", with real builds of different versions (<see cref="TwoBuildsFixture"/>):
/// sessions started by version A's daemon and lanes, then <c>./install.sh --from</c> of another version over the same
/// prefix while they run, then <c>coven daemon restart</c>. The installs are JIT builds, which are several files per
/// program instead of one NativeAOT file; install.sh renames every file over the old one either way, so the
/// running programs keep what they mapped.
/// </summary>
[Collection(nameof(UpgradeBuilds))]
public sealed partial class UpgradeTests(TwoBuildsFixture builds, ITestOutputHelper output) : IClassFixture<TwoBuildsFixture>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly TempDir _dir = new("cvu-");
    private readonly HashSet<ProcessIdentity> _lanes = [];

    // A harness that keeps writing numbered lines (its own pace, not a wait of the test) and answers input, so a
    // gap in what the lane recorded across daemon restarts shows as a missing number. `--version` is doctor's probe.
    private const string Ticker = """
        [ "$1" = --version ] && { echo 'codex-cli 0.0.0-ticker'; exit 0; }
        ( i=0; while [ $i -lt 100000 ]; do i=$((i+1)); printf 'tick %d\n' $i; sleep 0.05; done ) &
        printf 'ready\n'
        while IFS= read -r line; do printf 'got: %s\n' "$line"; done
        """;

    private string Prefix => _dir.Combine("prefix");

    private string Project => _dir.Combine("p");

    [Fact]
    public async Task SessionsOfVersionA_StayLiveAcrossInstallingB_AndDaemonRestart_DoctorShowsEachVersion()
    {
        output.WriteLine($"build B (copy + JIT build): {builds.BuildTimeB.TotalSeconds:0.0} s, build C (incremental): {builds.BuildTimeC.TotalSeconds:0.0} s");
        var cli = Setup();
        try
        {
            await InstallAsync(builds.A);
            var first = await RunAsync(cli);
            var second = await RunAsync(cli);
            await SendAsync(cli, first, "before upgrade");
            var before = await HealthAsync(cli);
            Assert.Equal(builds.VersionA, before.GetProperty("covenVersion").GetString());
            var lanePids = Lanes(before).ToDictionary(l => l.GetProperty("sessionId").GetString()!, l => l.GetProperty("pid").GetInt32());
            Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), lanePids.Keys.Order(StringComparer.Ordinal));

            // Install B while the sessions run: A's daemon keeps serving from the files it has open.
            var install = await InstallAsync(builds.B);
            Assert.Contains("a daemon is running; 'coven daemon restart' switches it to this version", install, StringComparison.Ordinal);
            var between = await DoctorJsonAsync(cli);
            Assert.Equal(builds.VersionB, between.Json.GetProperty("versions").GetProperty("cli").GetString());
            Assert.Equal(builds.VersionA, between.Json.GetProperty("versions").GetProperty("daemon").GetString());
            Assert.Equal("warn", Check(between.Json, "versions").GetProperty("status").GetString());
            Assert.Contains("'coven daemon restart' runs the installed daemon", Check(between.Json, "versions").GetProperty("detail").GetString(), StringComparison.Ordinal);

            // A's daemon started a spare lane (A's coven-lane) after the second launch; the install replaced that file,
            // so a session launched now runs the installed lane, B, not the spare.
            var during = await RunAsync(cli);
            var duringLane = Assert.Single(Lanes(await HealthAsync(cli)), l => l.GetProperty("sessionId").GetString() == during);
            Assert.Equal(builds.VersionB, duringLane.GetProperty("version").GetString());
            var stopped = await cli.RunAsync("kill", during);
            Assert.True(stopped.ExitCode == 0, stopped.ToString());

            var restart = await cli.RunAsync("daemon", "restart");
            Assert.True(restart.ExitCode == 0, restart.ToString());
            Assert.Matches(@"^restarted daemon \(pid \d+ -> \d+\)", restart.Stdout);

            // B's daemon re-attached A's lanes: same processes, reported as version A.
            var after = await HealthAsync(cli);
            Assert.Equal(builds.VersionB, after.GetProperty("covenVersion").GetString());
            foreach (var lane in Lanes(after))
            {
                var id = lane.GetProperty("sessionId").GetString()!;
                Assert.Equal(lanePids[id], lane.GetProperty("pid").GetInt32());
                Assert.Equal(builds.VersionA, lane.GetProperty("version").GetString());
                Assert.Equal("attached", lane.GetProperty("status").GetString());
                Assert.Equal(1, lane.GetProperty("protocol").GetInt32());
            }

            Assert.Equal(2, Lanes(after).Count);
            await SendAsync(cli, first, "after upgrade");
            await SendAsync(cli, second, "after upgrade too");

            // doctor: CLI and daemon are B, each lane is A with a note that is not a problem.
            var doctor = await DoctorJsonAsync(cli);
            Assert.True(doctor.Result.ExitCode == 0, doctor.Result.ToString());
            var versions = doctor.Json.GetProperty("versions");
            Assert.Equal(builds.VersionB, versions.GetProperty("cli").GetString());
            Assert.Equal(builds.VersionB, versions.GetProperty("daemon").GetString());
            var laneVersions = versions.GetProperty("lanes").EnumerateArray().ToDictionary(l => l.GetProperty("sessionId").GetString()!, l => (l.GetProperty("version").GetString(), l.GetProperty("status").GetString()));
            Assert.Equal((builds.VersionA, "older"), laneVersions[first]);
            Assert.Equal((builds.VersionA, "older"), laneVersions[second]);
            var check = Check(doctor.Json, "versions");
            Assert.Equal("ok", check.GetProperty("status").GetString());
            Assert.Contains("2 session(s) run an older coven-lane than covend", check.GetProperty("detail").GetString(), StringComparison.Ordinal);
            var text = await cli.RunAsync("doctor");
            Assert.Matches(
                $@"(?m)^\[ok\] +versions +coven {Regex.Escape(builds.VersionB)}\S*, covend {Regex.Escape(builds.VersionB)}, lanes {Regex.Escape(builds.VersionA)} ×2: 2 session\(s\) run an older coven-lane than covend \(.*{first} {Regex.Escape(builds.VersionA)}.*\): not a problem, they speak covend's lane protocol 1",
                text.Stdout);

            // A new session runs B's lane.
            var third = await RunAsync(cli);
            var mixed = await DoctorJsonAsync(cli);
            var thirdLane = Assert.Single(mixed.Json.GetProperty("versions").GetProperty("lanes").EnumerateArray(), l => l.GetProperty("sessionId").GetString() == third);
            Assert.Equal(builds.VersionB, thirdLane.GetProperty("version").GetString());
            Assert.Equal("current", thirdLane.GetProperty("status").GetString());

            // Nothing lost: one reattached event per session, every input recorded, every tick recorded in order.
            using var api = UnixSocketHttp.Create(Path.Combine(cli.Home, "coven.sock"));
            Assert.Single(await EventsAsync(api, first, "reattached"));
            Assert.Equal(new[] { "before upgrade\r", "after upgrade\r" }, (await EventsAsync(api, first, "input")).Select(InputData).ToArray());
            var atKill = await AssertTicksContiguousAsync(cli, first);
            Assert.True(atKill > 0);
        }
        finally
        {
            await CleanUpAsync(cli);
        }
    }

    [Fact]
    public async Task LanesOfAnotherLaneProtocol_AreRefusedClearly_KeepRunning_AndAreDrivenAgainByTheirVersion()
    {
        var cli = Setup();
        try
        {
            await InstallAsync(builds.A);
            var id = await RunAsync(cli);
            await SendAsync(cli, id, "before");
            var lanePid = Lanes(await HealthAsync(cli)).Single().GetProperty("pid").GetInt32();

            // C's daemon speaks lane protocol 2: it refuses A's lane, says why, and neither kills nor orphans it.
            await InstallAsync(builds.C);
            var restart = await cli.RunAsync("daemon", "restart");
            Assert.True(restart.ExitCode == 0, restart.ToString());
            var health = await HealthAsync(cli);
            Assert.Equal(builds.VersionC, health.GetProperty("covenVersion").GetString());
            var lane = Lanes(health).Single();
            Assert.Equal(id, lane.GetProperty("sessionId").GetString());
            Assert.Equal("refused", lane.GetProperty("status").GetString());
            Assert.Equal(builds.VersionA, lane.GetProperty("version").GetString());
            Assert.Equal(1, lane.GetProperty("protocol").GetInt32());
            var reason = lane.GetProperty("reason").GetString();
            Assert.Equal($"its coven-lane {builds.VersionA} speaks lane protocol 1; this covend {builds.VersionC} speaks lane protocol 2", reason);

            var show = await cli.RunAsync("show", id, "--json");
            Assert.Equal("live", JsonDocument.Parse(show.Stdout).RootElement.GetProperty("status").GetString());
            Assert.False(ProcFs.IsGone(lanePid), "the refused lane was killed");

            var send = await cli.RunAsync("send", id, "while refused", "--enter");
            Assert.NotEqual(0, send.ExitCode);
            Assert.Contains($"covend does not drive this session's lane: {reason}. The session keeps running; install the coven version that started it", send.Stderr, StringComparison.Ordinal);

            var doctor = await DoctorJsonAsync(cli);
            Assert.Equal(1, doctor.Result.ExitCode);
            var check = Check(doctor.Json, "lanes");
            Assert.Equal("fail", check.GetProperty("status").GetString());
            Assert.Contains($"{id}: {reason}", check.GetProperty("detail").GetString(), StringComparison.Ordinal);
            var doctorLane = doctor.Json.GetProperty("versions").GetProperty("lanes").EnumerateArray().Single();
            Assert.Equal("refused", doctorLane.GetProperty("status").GetString());
            Assert.Equal(reason, doctorLane.GetProperty("reason").GetString());
            Assert.Contains("refused as incompatible, left running", await File.ReadAllTextAsync(Path.Combine(cli.Home, "logs", "covend.log")), StringComparison.Ordinal);

            // The lane kept recording while no daemon drove it.
            var ticks = MaxTick((await cli.RunAsync("logs", id)).Stdout);
            Assert.True(await Eventually.TrueAsync(async () => MaxTick((await cli.RunAsync("logs", id)).Stdout) > ticks + 5, s_timeout));

            // Back to A: its daemon drives the session again, and nothing it recorded meanwhile is lost.
            await InstallAsync(builds.A);
            Assert.Equal(0, (await cli.RunAsync("daemon", "restart")).ExitCode);
            var back = Lanes(await HealthAsync(cli)).Single();
            Assert.Equal("attached", back.GetProperty("status").GetString());
            Assert.Equal(lanePid, back.GetProperty("pid").GetInt32());
            await SendAsync(cli, id, "after going back");
            using var api = UnixSocketHttp.Create(Path.Combine(cli.Home, "coven.sock"));
            Assert.Equal(new[] { "before\r", "after going back\r" }, (await EventsAsync(api, id, "input")).Select(InputData).ToArray());
            await AssertTicksContiguousAsync(cli, id);
        }
        finally
        {
            await CleanUpAsync(cli);
        }
    }

    [Fact]
    public async Task ASessionOnARefusedLane_IsKilledByTheDaemonItself_AndEndsKilled()
    {
        var cli = Setup();
        try
        {
            await InstallAsync(builds.A);
            var id = await RunAsync(cli);
            var lanePid = Lanes(await HealthAsync(cli)).Single().GetProperty("pid").GetInt32();
            var harnessPid = JsonDocument.Parse((await cli.RunAsync("show", id, "--json")).Stdout).RootElement.GetProperty("harnessPid").GetInt32();

            await InstallAsync(builds.C);
            Assert.Equal(0, (await cli.RunAsync("daemon", "restart")).ExitCode);
            Assert.Equal("refused", Lanes(await HealthAsync(cli)).Single().GetProperty("status").GetString());

            // C's daemon cannot ask A's lane: it signals the harness itself, and kill waits for the end as usual.
            var kill = await cli.RunAsync("kill", id);
            Assert.True(kill.ExitCode == 0, kill.ToString());
            var shown = JsonDocument.Parse((await cli.RunAsync("show", id, "--json")).Stdout).RootElement;
            Assert.NotEqual("live", shown.GetProperty("status").GetString());
            Assert.Equal("killed", shown.GetProperty("endReason").GetString());
            Assert.True(ProcFs.IsGone(harnessPid), "the harness still runs");
            Assert.True(ProcFs.IsGone(lanePid), "the refused lane still runs");
            Assert.Empty(Lanes(await HealthAsync(cli)));

            // What happened is in the log: the kill, and the exit the lane recorded as it left (by SIGTERM).
            using var api = UnixSocketHttp.Create(Path.Combine(cli.Home, "coven.sock"));
            Assert.Single(await EventsAsync(api, id, "kill"));
            var exit = JsonDocument.Parse(Assert.Single(await EventsAsync(api, id, "exit")).GetProperty("payloadJson").GetString()!).RootElement;
            Assert.Equal("SIGTERM", exit.GetProperty("signal").GetString());

            var again = await cli.RunAsync("kill", id);
            Assert.NotEqual(0, again.ExitCode);
        }
        finally
        {
            await CleanUpAsync(cli);
        }
    }

    public void Dispose() => _dir.Dispose();

    private CovenCli Setup()
    {
        var harness = new FakeHarness(_dir.Combine("bin"));
        harness.Write("codex", Ticker);
        Directory.CreateDirectory(Project);
        return new CovenCli(_dir.Combine("h"), harness.BinDir) { ExecutablePath = Path.Combine(Prefix, "bin", "coven") };
    }

    /// <summary>./install.sh --from BUILD into the test's prefix, with this test's home (its "a daemon is running" note).</summary>
    private async Task<string> InstallAsync(string build)
    {
        var psi = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "install.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--prefix", Prefix, "--from", build })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["COVEN_HOME"] = _dir.Combine("h");
        psi.Environment.Remove("COVEN_DAEMON_PATH");
        psi.Environment.Remove("COVEN_LANE_PATH");
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"install.sh --from {build}: {await stdout}{await stderr}");
        return await stdout;
    }

    private async Task<string> RunAsync(CovenCli cli)
    {
        var run = await cli.RunAsync("run", "codex", "--detach", "--root", Project);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        Assert.True(await Eventually.TrueAsync(async () => (await cli.RunAsync("logs", id)).Stdout.Contains("ready", StringComparison.Ordinal), s_timeout), "the harness never started");
        foreach (var lane in Lanes(await HealthAsync(cli)))
        {
            if (ProcessIdentity.TryRead(lane.GetProperty("pid").GetInt32(), out var identity))
            {
                _lanes.Add(identity);
            }
        }

        return id;
    }

    private static async Task SendAsync(CovenCli cli, string id, string text)
    {
        var send = await cli.RunAsync("send", id, text, "--enter");
        Assert.True(send.ExitCode == 0, send.ToString());
        var logs = string.Empty;
        Assert.True(
            await Eventually.TrueAsync(async () => (logs = (await cli.RunAsync("logs", id)).Stdout).Contains("got: " + text, StringComparison.Ordinal), s_timeout),
            $"no echo of '{text}': {logs[^Math.Min(logs.Length, 400)..]}");
    }

    private static async Task<JsonElement> HealthAsync(CovenCli cli)
    {
        var status = await cli.RunAsync("daemon", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        return JsonDocument.Parse(status.Stdout).RootElement;
    }

    private static List<JsonElement> Lanes(JsonElement health) => [.. health.GetProperty("lanes").EnumerateArray()];

    private static async Task<(CliResult Result, JsonElement Json)> DoctorJsonAsync(CovenCli cli)
    {
        var r = await cli.RunAsync("doctor", "--json");
        return (r, JsonDocument.Parse(r.Stdout).RootElement);
    }

    private static JsonElement Check(JsonElement doctor, string name) =>
        Assert.Single(doctor.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == name);

    private static async Task<List<JsonElement>> EventsAsync(HttpClient api, string id, string kind)
    {
        var body = await api.GetStringAsync($"http://coven/api/v1/sessions/{id}/events?kind={kind}&limit=1000");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray()];
    }

    private static string InputData(JsonElement inputEvent)
    {
        var payload = JsonDocument.Parse(inputEvent.GetProperty("payloadJson").GetString()!).RootElement;
        return payload.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String
            ? data.GetString()!
            : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(payload.GetProperty("dataBase64").GetString()!));
    }

    /// <summary>Every tick the harness wrote, 1 to N in order, is in the session's recorded output; returns N.</summary>
    private static async Task<int> AssertTicksContiguousAsync(CovenCli cli, string id)
    {
        var ticks = Tick().Matches((await cli.RunAsync("logs", id)).Stdout).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, ticks.Count), ticks);
        return ticks.Count;
    }

    private static int MaxTick(string logs) => Tick().Matches(logs).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    [GeneratedRegex(@"(?m)^tick (\d+)\r?$")]
    private static partial Regex Tick();

    /// <summary>Kills the sessions through whichever daemon runs, then any lane it could not drive, then the daemon.</summary>
    private async Task CleanUpAsync(CovenCli cli)
    {
        try
        {
            await cli.RunAsync("kill", "--all", "--yes", "--signal", "KILL");
        }
        finally
        {
            // Only a lane that is still the process it was (pid and start time), with its harness.
            foreach (var identity in _lanes.Where(l => l.IsAlive()))
            {
                try
                {
                    using var lane = Process.GetProcessById(identity.Pid);
                    lane.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // It ended meanwhile.
                }
            }

            await cli.RunAsync("daemon", "stop");
        }
    }
}
