using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>Session commands end to end: coven → covend → coven-lane → fake harness scripts.</summary>
public sealed class SessionCommandTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private CovenCli Cli => daemon.Cli;

    [Fact]
    public async Task Run_Detached_PrintsIdOfALiveSession()
    {
        var id = await daemon.RunDetachedAsync("echo", "hello world");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", id);
        var record = await daemon.ShowAsync(id);
        Assert.Equal("live", record.GetProperty("status").GetString());
        Assert.Equal("echo", record.GetProperty("harness").GetString());
        Assert.Equal(daemon.ProjectDir, record.GetProperty("projectRoot").GetString());
        await KillAsync(id);
    }

    [Fact]
    public async Task Run_Attached_StreamsOutputAndExitsWithTheHarnessCode()
    {
        var ok = await Cli.RunAsync(["run", "quick", "p1", "--root", daemon.ProjectDir], stdin: null);
        var failed = await Cli.RunAsync(["run", "fail3", "--root", daemon.ProjectDir], stdin: null);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("\e[31mred\e[0m and plain", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains("args: [p1]", ok.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\[session [0-9a-f-]{36} ended: finished, exit 0\]\n$", ok.Stderr);
        Assert.True(failed.ExitCode == 3, failed.ToString());
        Assert.Contains("failing now", failed.Stdout, StringComparison.Ordinal);
        Assert.Contains("ended: failed, exit 3]", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DefaultRoot_IsTheEnclosingGitWorkTree()
    {
        var repo = Path.Combine(daemon.ProjectDir, "repo");
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        Directory.CreateDirectory(Path.Combine(repo, "src", "deep"));

        var r = await Cli.RunAsync(["run", "quick", "--detach", "--json", "--cwd", "src"], stdin: null, workingDirectory: Path.Combine(repo, "src", "deep"));

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(repo, doc.RootElement.GetProperty("projectRoot").GetString());
        Assert.Equal(Path.Combine(repo, "src"), doc.RootElement.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task Run_WithoutCwd_StartsInTheCallersDirectoryInsideTheRoot()
    {
        // Issue 13 item 6: cd proj/sub && coven run starts in proj/sub (it started in proj).
        var repo = Path.Combine(daemon.ProjectDir, "repo-cwd");
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        Directory.CreateDirectory(Path.Combine(repo, "sub", "deeper"));

        var r = await Cli.RunAsync(["run", "quick", "--detach", "--json"], stdin: null, workingDirectory: Path.Combine(repo, "sub", "deeper"));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(repo, doc.RootElement.GetProperty("projectRoot").GetString());
        Assert.Equal(Path.Combine(repo, "sub", "deeper"), doc.RootElement.GetProperty("cwd").GetString());

        // A caller outside an explicit --root starts at the root.
        var outside = await Cli.RunAsync(["run", "quick", "--detach", "--json", "--root", repo], stdin: null, workingDirectory: daemon.ProjectDir);
        Assert.True(outside.ExitCode == 0, outside.ToString());
        using var atRoot = JsonDocument.Parse(outside.Stdout);
        Assert.Equal(repo, atRoot.RootElement.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task Run_CarriesTheCallersEnvironment_AndPath_NeverToDiskOrArgv()
    {
        // Issue 13 item 5: a harness installed after the daemon started, on a PATH only this caller has, and a
        // variable only this caller has. The daemon's snapshot knows neither.
        var secret = "caller-only-" + Guid.NewGuid().ToString("N");
        var lateBin = Path.Combine(daemon.ProjectDir, "late-bin-" + Guid.NewGuid().ToString("N")[..8]);
        var late = new FakeHarness(lateBin);
        late.Write("codex", """
            printf 'late codex\n'
            printf 'marker-upper=%s\n' "$(printf %s "$CALLER_ONLY_SECRET" | tr a-z A-Z)"
            printf 'extra=%s\n' "$EXTRA_FROM_FLAG"
            env | grep '^COVEN_' | grep -v -e '^COVEN_ACTIVITY_HOOK=' -e '^COVEN_ACTIVITY_SOCKET=' | sed 's/^/internal: /'
            printf 'ready\n'
            while IFS= read -r line; do :; done
            """);
        var caller = new CovenCli(daemon.HomeDir, lateBin);
        caller.Environment["CALLER_ONLY_SECRET"] = secret;

        var r = await caller.RunAsync(["run", "codex", "--detach", "--root", daemon.ProjectDir, "--env", "EXTRA_FROM_FLAG=from-flag"], stdin: null);
        Assert.True(r.ExitCode == 0, r.ToString());
        var id = r.Stdout.Trim();
        var output = "";
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                output = (await caller.RunAsync("logs", id)).Stdout;
                return output.Contains("ready", StringComparison.Ordinal);
            },
            s_wait));
        Assert.Contains("late codex", output, StringComparison.Ordinal);
        // The harness shows the value only transformed, so the value itself has no business anywhere on disk.
        Assert.Contains("marker-upper=" + secret.ToUpperInvariant(), output, StringComparison.Ordinal);
        Assert.Contains("extra=from-flag", output, StringComparison.Ordinal);
        // No COVEN_* of the caller or the daemon; only the two the lane sets for the activity hooks (docs/attention.md).
        Assert.DoesNotContain("internal: ", output, StringComparison.Ordinal);

        // grep -a: the value is nowhere under COVEN_HOME (store, WAL, logs), nor in the lane's argv or environment.
        var record = await daemon.ShowAsync(id);
        var lanePid = record.GetProperty("lanePid").GetInt32();
        var cmdline = await File.ReadAllBytesAsync($"/proc/{lanePid}/cmdline");
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(cmdline), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(await File.ReadAllBytesAsync($"/proc/{lanePid}/environ")), StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(daemon.HomeDir, "*", SearchOption.AllDirectories))
        {
            // daemon.lock is held with flock by covend (.NET's own open would take a shared flock and fail); it is empty.
            if (new FileInfo(file).Attributes.HasFlag(FileAttributes.ReparsePoint) || file.EndsWith(".sock", StringComparison.Ordinal)
                || (Path.GetFileName(file) == "daemon.lock" && new FileInfo(file).Length == 0))
            {
                continue;
            }

            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds the caller's variable");
        }

        await KillAsync(id);
    }

    [Fact]
    public async Task Run_CwdOutsideRoot_FailsWithTheApiCode()
    {
        var r = await Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir, "--cwd", "/"], stdin: null);

        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"^coven: .* \(path_outside_root\)\n$", r.Stderr);
    }

    [Fact]
    public async Task Run_UnknownHarness_FailsWithTheApiCode()
    {
        var r = await Cli.RunAsync(["run", "nope", "--detach", "--root", daemon.ProjectDir], stdin: null);

        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("(unknown_harness)\n", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_TableAndJson_ListTheSession()
    {
        var id = await daemon.RunDetachedAsync("echo", "--title", "table test");

        var table = await Cli.RunAsync("sessions");
        var json = await Cli.RunAsync("ls", "--json");
        var quiet = await Cli.RunAsync("ls", "-q", "--harness", "echo");

        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^ID +HARNESS +STATUS +ACTIVITY +TITLE +AGE +PROJECT$", lines[0]);
        var row = Assert.Single(lines, l => l.Contains("table test", StringComparison.Ordinal));
        Assert.Matches($@"^[0-9a-f]{{6,8}} +echo +live +(working|idle|unknown) +table test +\d+[smh] +{daemon.ProjectDir}$", row);
        Assert.EndsWith(row.Split(' ')[0], id, StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", table.Stdout, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(json.Stdout);
        var all = doc.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        var mine = Assert.Single(all, s => s.GetProperty("id").GetString() == id);
        Assert.Equal("live", mine.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Array, mine.GetProperty("allowedActions").ValueKind);
        Assert.Equal(["sessions"], doc.RootElement.EnumerateObject().Select(p => p.Name));

        Assert.Contains(id, quiet.Stdout.Split('\n'));
        await KillAsync(id);
    }

    [Fact]
    public async Task Sessions_Limit_FollowsCursorsUpToTheLimit()
    {
        for (var i = 0; i < 3; i++)
        {
            await Cli.RunAsync(["run", "quick", "--root", daemon.ProjectDir], stdin: null);
        }

        var one = await Cli.RunAsync("ls", "--json", "--limit", "2", "--status", "finished");
        using var doc = JsonDocument.Parse(one.Stdout);

        Assert.Equal(2, doc.RootElement.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task Show_PrintsRecordWithActionsAndPids()
    {
        var id = await daemon.RunDetachedAsync("echo");

        var r = await Cli.RunAsync("show", id[..13]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches($@"(?m)^id +{id}$", r.Stdout);
        Assert.Matches(@"(?m)^status +live$", r.Stdout);
        Assert.Matches(@"(?m)^actions +.*session\.input", r.Stdout);
        Assert.Matches(@"(?m)^harness pid +\d+$", r.Stdout);
        await KillAsync(id);
    }

    [Fact]
    public async Task Show_UnknownSession_ExitsFour()
    {
        var full = await Cli.RunAsync("show", "00000000-0000-7000-8000-000000000000");
        var prefix = await Cli.RunAsync("show", "ffffffff");

        Assert.Equal(4, full.ExitCode);
        Assert.EndsWith("(session_not_found)\n", full.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, prefix.ExitCode);
        Assert.Equal("coven: no session matches 'ffffffff' (session_not_found)\n", prefix.Stderr);
    }

    [Fact]
    public async Task Show_AmbiguousPrefix_ListsCandidatesAndExitsTwo()
    {
        var a = await daemon.RunDetachedAsync("quick");
        var b = await daemon.RunDetachedAsync("quick");
        var common = new string(a.Zip(b).TakeWhile(p => p.First == p.Second).Select(p => p.First).ToArray());
        Assert.NotEmpty(common);

        var r = await Cli.RunAsync("show", common);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"coven: session reference '{common}' is ambiguous", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("(ambiguous_session)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("  " + a, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("  " + b, r.Stderr, StringComparison.Ordinal);
        var unique = await Cli.RunAsync("show", a[..Math.Max(common.Length + 2, 23)], "--json");
        Assert.True(unique.ExitCode == 0, unique.ToString());
        Assert.Contains(a, unique.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_Readable_HasNoControlSequences_Raw_HasTheExactBytes()
    {
        var run = await Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir], stdin: null);
        var id = run.Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");

        var readable = await Cli.RunAsync("logs", id);
        var raw = await Cli.RunAsync("logs", id, "--raw");

        Assert.True(readable.ExitCode == 0, readable.ToString());
        Assert.Contains("red and plain\n", readable.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\e", readable.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", readable.Stdout, StringComparison.Ordinal);
        Assert.Contains("\e[31mred\e[0m and plain\r\n", raw.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_Since_SkipsEarlierEvents()
    {
        var id = (await Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir], stdin: null)).Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");

        var r = await Cli.RunAsync("logs", id, "--since", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task SendAndLogsFollow_FollowerSeesInputEchoAndEndsWithTheSession()
    {
        var id = await daemon.RunDetachedAsync("echo");
        using var follower = Cli.Start(["logs", id, "-f"]);
        var output = Collect(follower);
        Assert.True(await Eventually.TrueAsync(() => output.Contains("ready"), s_wait), "follower never printed 'ready': " + output);

        var send = await Cli.RunAsync("send", id, "hello there", "--enter");
        Assert.True(send.ExitCode == 0, send.ToString());
        Assert.True(await Eventually.TrueAsync(() => output.Contains("got: hello there"), s_wait), output.ToString());

        Assert.Equal(0, (await Cli.RunAsync("send", id[..13], "exit 0", "--enter")).ExitCode);
        using var cts = new CancellationTokenSource(s_wait);
        await follower.WaitForExitAsync(cts.Token);

        Assert.Equal(0, follower.ExitCode);
        Assert.DoesNotContain("\e", output.ToString(), StringComparison.Ordinal);
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
    }

    [Fact]
    public async Task LogsFollow_Sigint_ExitsWith130AndLeavesTheSessionRunning()
    {
        var id = await daemon.RunDetachedAsync("echo");
        using var follower = Cli.Start(["logs", id, "-f"]);
        var output = Collect(follower);
        Assert.True(await Eventually.TrueAsync(() => output.Contains("ready"), s_wait), output.ToString());

        using (var kill = Process.Start("kill", ["-INT", follower.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(s_wait);
        await follower.WaitForExitAsync(cts.Token);
        Assert.Equal(130, follower.ExitCode);
        Assert.Equal("live", (await daemon.ShowAsync(id)).GetProperty("status").GetString());
        await KillAsync(id);
    }

    [Fact]
    public async Task Kill_LiveSession_EndsItAsKilled()
    {
        var id = await daemon.RunDetachedAsync("echo");

        var r = await Cli.RunAsync("kill", id, "--signal", "TERM", "--grace", "2s");

        Assert.True(r.ExitCode == 0, r.ToString());
        var record = await daemon.WaitForStatusAsync(id, s_wait, "failed");
        Assert.Equal("killed", record.GetProperty("endReason").GetString());

        var again = await Cli.RunAsync("send", id, "x");
        Assert.Equal(5, again.ExitCode);
        Assert.Contains("(session_not_live)", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_EndedSession_ExitsFive()
    {
        var id = (await Cli.RunAsync(["run", "quick", "--detach", "--root", daemon.ProjectDir], stdin: null)).Stdout.Trim();
        await daemon.WaitForStatusAsync(id, s_wait, "finished");

        var r = await Cli.RunAsync("attach", id);

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("has ended (finished, exit 0)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capabilities_And_Action_UseTheControlPlane()
    {
        var caps = await Cli.RunAsync("capabilities", "--json");
        Assert.True(caps.ExitCode == 0, caps.ToString());
        using (var doc = JsonDocument.Parse(caps.Stdout))
        {
            Assert.Contains(doc.RootElement.GetProperty("capabilities").EnumerateArray(), c => c.GetProperty("id").GetString() == "harness.codex");
        }

        var id = await daemon.RunDetachedAsync("echo");
        var act = await Cli.RunAsync("action", "session.kill", "--session", id, "--arg", "signal=KILL");
        Assert.True(act.ExitCode == 0, act.ToString());
        await daemon.WaitForStatusAsync(id, s_wait, "failed");

        var unknown = await Cli.RunAsync("action", "session.explode");
        Assert.Equal(1, unknown.ExitCode);
        Assert.EndsWith("(unknown_action)\n", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithFakeHarnesses_ReportsNoProblems()
    {
        var r = await Cli.RunAsync("doctor", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("check").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("ok", checks["daemon"]);
        Assert.Equal("ok", checks["home"]);
        Assert.Equal("ok", checks["socket"]);
        Assert.Equal("ok", checks["store"]);
        var codex = Assert.Single(doc.RootElement.GetProperty("harnesses").EnumerateArray(), h => h.GetProperty("id").GetString() == "codex");
        Assert.Equal("codex-cli 0.0.0-fake", codex.GetProperty("version").GetString());
        Assert.Equal(Path.Combine(daemon.Harnesses.BinDir, "codex"), codex.GetProperty("path").GetString());

        var text = await Cli.RunAsync("doctor");
        Assert.Matches(@"(?m)^\[ok\] +harness codex +.*/codex \(codex-cli 0\.0\.0-fake\)$", text.Stdout);
    }

    [Fact]
    public async Task Doctor_ReportsLaneVersions_AndHarnessPathDriftBetweenCliAndDaemon()
    {
        using var dir = new TempDir();
        var daemonBin = new FakeHarness(dir.Combine("daemon-bin"));
        var shellBin = new FakeHarness(dir.Combine("shell-bin"));
        daemonBin.WriteEcho("codex");
        shellBin.WriteEcho("codex");
        var home = dir.Combine("h");
        var project = dir.Combine("p");
        Directory.CreateDirectory(project);

        // The daemon is started from one PATH, doctor runs from another: codex resolves to different files.
        var starter = new CovenCli(home, daemonBin.BinDir);
        var shell = new CovenCli(home, shellBin.BinDir);
        try
        {
            var run = await starter.RunAsync("run", "codex", "--detach", "--root", project);
            Assert.True(run.ExitCode == 0, run.ToString());

            var r = await shell.RunAsync("doctor", "--json");
            using var doc = JsonDocument.Parse(r.Stdout);
            var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("check").GetString()!, c => c.GetProperty("detail").GetString()!);
            Assert.Matches(@"^coven \S+, covend \d+\.\d+\.\d+, lanes \d+\.\d+\.\d+ ×1$", checks["versions"]);
            var drift = checks["drift codex"];
            Assert.Contains(Path.Combine(shellBin.BinDir, "codex"), drift, StringComparison.Ordinal);
            Assert.Contains("covend runs " + Path.Combine(daemonBin.BinDir, "codex"), drift, StringComparison.Ordinal);

            // The same PATH as the daemon's: no drift reported.
            var same = await starter.RunAsync("doctor", "--json");
            Assert.DoesNotContain("\"drift codex\"", same.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await starter.RunAsync("kill", "--all", "--yes", "--signal", "KILL");
            await starter.RunAsync("daemon", "stop");
        }
    }

    [Fact]
    public async Task Doctor_HomeWithWideMode_Fails()
    {
        using var dir = new TempDir();
        var home = dir.Combine("h");
        var cli = new CovenCli(home, daemon.Harnesses.BinDir);
        try
        {
            Assert.Equal(0, (await cli.RunAsync("daemon", "start")).ExitCode);
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);

            var r = await cli.RunAsync("doctor");

            Assert.Equal(1, r.ExitCode);
            Assert.Matches(@"(?m)^\[FAIL\] +home +.* has mode 0755, expected 0700", r.Stdout);
        }
        finally
        {
            File.SetUnixFileMode(home, (UnixFileMode)0b111_000_000);
            await cli.RunAsync("daemon", "stop");
        }
    }

    private async Task KillAsync(string id) => await Cli.RunAsync("kill", id, "--signal", "KILL");

    internal static StringBuilderSync Collect(Process p)
    {
        var sb = new StringBuilderSync();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                sb.AppendLine(e.Data);
            }
        };
        p.BeginOutputReadLine();
        p.StandardInput.Close();
        return sb;
    }

    internal sealed class StringBuilderSync
    {
        private readonly StringBuilder _sb = new();

        public void AppendLine(string s)
        {
            lock (_sb)
            {
                _sb.Append(s).Append('\n');
            }
        }

        public bool Contains(string s)
        {
            lock (_sb)
            {
                return _sb.ToString().Contains(s, StringComparison.Ordinal);
            }
        }

        public override string ToString()
        {
            lock (_sb)
            {
                return _sb.ToString();
            }
        }
    }
}
