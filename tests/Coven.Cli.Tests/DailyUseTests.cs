using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// Issue 14's command conventions against a real daemon: short ids, a table that fits, --watch, logs windows,
/// kill that waits, sets of sessions with confirmation, piped stdin for run, closed pipes, Ctrl-C during a request.
/// </summary>
public sealed class DailyUseTests : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly DaemonFixture _daemon;

    public DailyUseTests(DaemonFixture daemon)
    {
        _daemon = daemon;

        // The daemon reads harnesses.json at every launch: add the harnesses these tests need to the fixture's.
        var h = daemon.Harnesses;
        var entries = new (string Id, string Path)[]
        {
            ("echo", Path.Combine(h.BinDir, "echo-harness")),
            ("quick", Path.Combine(h.BinDir, "quick-harness")),
            ("nonl", h.Write("nonl-harness", "printf 'first line\\n'\nprintf 'no newline at the end'")),
            ("catty", h.Write("catty-harness", "exec cat")),
        };
        var json = entries.Select(e => $"{{\"id\":\"{e.Id}\",\"executable\":\"{e.Path}\",\"promptArgs\":[\"{{prompt}}\"]}}");
        File.WriteAllText(Path.Combine(daemon.HomeDir, "harnesses.json"), "{\"harnesses\":[" + string.Join(',', json) + "]}");
    }

    private CovenCli Cli => _daemon.Cli;

    [Fact]
    public async Task ShortIds_AreUniqueTailsOfAtMost8Chars_AndResolveLikeIds_AsDoTitles()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _daemon.RunDetachedAsync("echo", "--title", $"short-id-{i}-{Guid.NewGuid():N}"));
        }

        // Started together: the ids share their first 8-11 characters (a timestamp), so such prefixes are ambiguous.
        var common = 0;
        while (ids[0][common] == ids[1][common])
        {
            common++;
        }

        Assert.True(common >= 7, $"{ids[0]} and {ids[1]} share only {common} characters");

        var list = await Cli.RunAsync("ls", "--all", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using var doc = JsonDocument.Parse(list.Stdout);
        var records = doc.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        var shortIds = records.Select(r => r.GetProperty("shortId").GetString()!).ToList();
        Assert.Equal(shortIds.Count, shortIds.Distinct().Count());
        foreach (var r in records)
        {
            var shortId = r.GetProperty("shortId").GetString()!;
            Assert.InRange(shortId.Length, 6, 8);
            Assert.EndsWith(shortId, r.GetProperty("id").GetString(), StringComparison.Ordinal);
        }

        var table = await Cli.RunAsync("ls");
        foreach (var id in ids)
        {
            var shortId = records.Single(r => r.GetProperty("id").GetString() == id).GetProperty("shortId").GetString()!;
            Assert.Contains("\n" + shortId + " ", table.Stdout, StringComparison.Ordinal);

            var show = await Cli.RunAsync("show", shortId.ToUpperInvariant(), "--json");
            Assert.True(show.ExitCode == 0, show.ToString());
            Assert.Contains($"\"id\": \"{id}\"", show.Stdout, StringComparison.Ordinal);
            var logs = await Cli.RunAsync("logs", shortId);
            Assert.True(logs.ExitCode == 0, logs.ToString());
        }

        var title = records.Single(r => r.GetProperty("id").GetString() == ids[1]).GetProperty("title").GetString()!;
        var byTitle = await Cli.RunAsync("show", title, "--json");
        Assert.True(byTitle.ExitCode == 0, byTitle.ToString());
        Assert.Contains($"\"id\": \"{ids[1]}\"", byTitle.Stdout, StringComparison.Ordinal);

        var ambiguous = await Cli.RunAsync("show", ids[0][..common]);
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("(ambiguous_session)", ambiguous.Stderr, StringComparison.Ordinal);

        var killed = await Cli.RunAsync(["kill", .. ids.Select(i => records.Single(r => r.GetProperty("id").GetString() == i).GetProperty("shortId").GetString()!)], stdin: null);
        Assert.True(killed.ExitCode == 0, killed.ToString());
    }

    [Fact]
    public async Task Ls_FitsTheWidth_NoTruncAndWideShowEverything()
    {
        var longTitle = "a very long title that would wrap a narrow terminal " + Guid.NewGuid().ToString("N");
        var id = await _daemon.RunDetachedAsync("echo", "--title", longTitle);
        Cli.Environment["COLUMNS"] = "70";
        try
        {
            var narrow = await Cli.RunAsync("ls");
            Assert.True(narrow.ExitCode == 0, narrow.ToString());
            foreach (var line in narrow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(new System.Globalization.StringInfo(line).LengthInTextElements <= 70, $"longer than 70: '{line}'");
            }

            Assert.Contains("a very lo", narrow.Stdout, StringComparison.Ordinal);
            Assert.Contains("…", narrow.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(longTitle, narrow.Stdout, StringComparison.Ordinal);

            var full = await Cli.RunAsync("ls", "--no-trunc");
            Assert.Contains(longTitle, full.Stdout, StringComparison.Ordinal);
            Assert.Contains(id, full.Stdout, StringComparison.Ordinal);

            var wide = await Cli.RunAsync("ls", "-o", "wide");
            Assert.True(wide.ExitCode == 0, wide.ToString());
            Assert.StartsWith("ID", wide.Stdout, StringComparison.Ordinal);
            Assert.Contains("SHORT", wide.Stdout.Split('\n')[0], StringComparison.Ordinal);
            Assert.Contains(id, wide.Stdout, StringComparison.Ordinal);
            Assert.Contains(longTitle, wide.Stdout, StringComparison.Ordinal);

            var bad = await Cli.RunAsync("ls", "-o", "yaml");
            Assert.Equal(2, bad.ExitCode);
        }
        finally
        {
            Cli.Environment.Remove("COLUMNS");
            await Cli.RunAsync("kill", id);
        }
    }

    [Fact]
    public async Task LsWatch_RedrawsWhenASessionStarts_AndCtrlCEndsItCleanly()
    {
        using var watch = Cli.Start(["ls", "--watch", "--interval", "100ms"]);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        watch.OutputDataReceived += (_, e) => { lock (stdout) { stdout.Append(e.Data).Append('\n'); } };
        watch.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.Append(e.Data).Append('\n'); } };
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        string Out() { lock (stdout) { return stdout.ToString(); } }

        Assert.True(await Eventually.TrueAsync(() => Out().Contains("ID ", StringComparison.Ordinal) || Out().Contains("no sessions", StringComparison.Ordinal), s_wait), Out());
        var title = "watched-" + Guid.NewGuid().ToString("N")[..8];
        var id = await _daemon.RunDetachedAsync("echo", "--title", title);
        Assert.True(await Eventually.TrueAsync(() => Out().Contains(title, StringComparison.Ordinal), s_wait), Out());

        using (var kill = Process.Start("kill", ["-INT", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(s_wait);
        await watch.WaitForExitAsync(cts.Token);
        Assert.Equal(0, watch.ExitCode);
        lock (stderr)
        {
            Assert.DoesNotContain("Exception", stderr.ToString(), StringComparison.Ordinal);
        }

        await Cli.RunAsync("kill", id);
    }

    [Fact]
    public async Task Logs_TailSinceUntil_HumanErrors_AndFollowEndsWithANewline()
    {
        var id = await _daemon.RunDetachedAsync("quick", "p1");
        await _daemon.WaitForStatusAsync(id, s_wait, "finished");

        var all = await Cli.RunAsync("logs", id);
        Assert.Contains("red and plain", all.Stdout, StringComparison.Ordinal);
        var tail = await Cli.RunAsync("logs", id, "--tail", "1");
        Assert.True(tail.ExitCode == 0, tail.ToString());
        Assert.Equal("args: [p1]\n", tail.Stdout);

        Assert.Contains("red and plain", (await Cli.RunAsync("logs", id, "--since", "1h")).Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, (await Cli.RunAsync("logs", id, "--since", "2099-01-01T00:00:00Z")).Stdout);
        Assert.Equal(string.Empty, (await Cli.RunAsync("logs", id, "--until", "1h")).Stdout);
        Assert.Contains("red and plain", (await Cli.RunAsync("logs", id, "--until", "2099-01-01T00:00:00Z")).Stdout, StringComparison.Ordinal);
        Assert.Contains("red and plain", (await Cli.RunAsync("logs", id, "--since-seq", "0")).Stdout, StringComparison.Ordinal);

        foreach (var (option, value) in new[] { ("--tail", "abc"), ("--since-seq", "x"), ("--since", "soon"), ("--until", "yesterday") })
        {
            var bad = await Cli.RunAsync("logs", id, option, value);
            Assert.Equal(2, bad.ExitCode);
            Assert.StartsWith($"coven: invalid ", bad.Stderr, StringComparison.Ordinal);
            Assert.Contains(option, bad.Stderr.Split('\n')[0], StringComparison.Ordinal);
            Assert.DoesNotContain("System.", bad.Stderr, StringComparison.Ordinal);
        }

        var nonl = await _daemon.RunDetachedAsync("nonl");
        var follow = await Cli.RunAsync("logs", nonl, "-f");
        Assert.True(follow.ExitCode == 0, follow.ToString());
        Assert.EndsWith("no newline at the end\n", follow.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_WaitsForTheEnd_SoArchiveRightAfterWorks()
    {
        var id = await _daemon.RunDetachedAsync("echo");

        var kill = await Cli.RunAsync("kill", id);
        var archive = await Cli.RunAsync("archive", id);

        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Contains($"killed {id} (failed, SIGTERM)", kill.Stderr, StringComparison.Ordinal);
        Assert.True(archive.ExitCode == 0, archive.ToString());

        var other = await _daemon.RunDetachedAsync("echo");
        var noWait = await Cli.RunAsync("kill", other, "--no-wait");
        Assert.True(noWait.ExitCode == 0, noWait.ToString());
        Assert.Contains($"sent TERM to session {other}", noWait.Stderr, StringComparison.Ordinal);
        await _daemon.WaitForStatusAsync(other, s_wait, "failed");
    }

    [Fact]
    public async Task Sets_SelectedByFilter_AreConfirmed_AndEveryCommandTakesSeveral()
    {
        var project = Path.Combine(_daemon.ProjectDir, "set-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(project);
        var a = await RunInAsync(project);
        var b = await RunInAsync(project);

        var nothing = await Cli.RunAsync("kill");
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("--status, --project or --all", nothing.Stderr, StringComparison.Ordinal);

        var refused = await Cli.RunAsync("kill", "--project", project);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("refusing to kill 2 sessions without --yes", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("live", (await _daemon.ShowAsync(a)).GetProperty("status").GetString());

        var killed = await Cli.RunAsync("kill", "--project", project, "--yes");
        Assert.True(killed.ExitCode == 0, killed.ToString());
        Assert.Equal("failed", (await _daemon.ShowAsync(a)).GetProperty("status").GetString());
        Assert.Equal("failed", (await _daemon.ShowAsync(b)).GetProperty("status").GetString());

        var archived = await Cli.RunAsync("archive", a, b);
        Assert.True(archived.ExitCode == 0, archived.ToString());
        Assert.Equal(2, archived.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var summoned = await Cli.RunAsync("summon", "--project", project);
        Assert.True(summoned.ExitCode == 0, summoned.ToString());
        Assert.Contains(a, summoned.Stdout, StringComparison.Ordinal);
        Assert.Contains(b, summoned.Stdout, StringComparison.Ordinal);

        var noYes = await Cli.RunAsync("sacrifice", "--project", project, "--status", "failed");
        Assert.Equal(2, noYes.ExitCode);
        Assert.Contains("(confirmation_required)", noYes.Stderr, StringComparison.Ordinal);
        var sacrificed = await Cli.RunAsync("sacrifice", "--project", project, "--status", "failed", "-y");
        Assert.True(sacrificed.ExitCode == 0, sacrificed.ToString());
        Assert.Equal(4, (await Cli.RunAsync("show", a)).ExitCode);
        Assert.Equal(4, (await Cli.RunAsync("show", b)).ExitCode);
    }

    [Fact]
    public async Task Run_WithPipedStdin_ForwardsItAndEndsTheInput()
    {
        var r = await Cli.RunAsync(["run", "catty", "--root", _daemon.ProjectDir], stdin: "piped hello\n", timeout: TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("piped hello", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("ended: finished, exit 0]", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClosedStdoutAndStderr_NeverAbort_AndKeepTheExitCode()
    {
        // A pipe whose reader is gone before coven writes (deterministic EPIPE): a FIFO opened read-write, then
        // for writing, then the reader closed.
        var fifo = Path.Combine(_daemon.HomeDir, "epipe-" + Guid.NewGuid().ToString("N")[..6]);
        var script = $"""
            mkfifo '{fifo}'
            exec 3<>'{fifo}' 4>'{fifo}' 3<&-
            rm -f '{fifo}'
            '{CovenCli.Executable}' show zzzz >&4 2>&4; echo "show=$?"
            '{CovenCli.Executable}' ls --all >&4 2>&4; echo "ls=$?"
            '{CovenCli.Executable}' --help >&4 2>&4; echo "help=$?"
            '{CovenCli.Executable}' nosuchcommand >&4 2>&4; echo "unknown=$?"
            """;
        var psi = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["COVEN_HOME"] = _daemon.HomeDir;
        using var bash = Process.Start(psi)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Contains("show=4\n", output, StringComparison.Ordinal);
        Assert.Contains("ls=0\n", output, StringComparison.Ordinal);
        Assert.Contains("help=0\n", output, StringComparison.Ordinal);
        Assert.Contains("unknown=2\n", output, StringComparison.Ordinal);
    }

    [Theory]
    // One request (run --detach, like ls or show): the default disposition, so Ctrl-C ends it as it ends any program.
    [InlineData(false)]
    // Attached (run, like attach and logs -f): the signal becomes cancellation, said on stderr.
    [InlineData(true)]
    public async Task CtrlC_DuringARequestTheDaemonDoesNotAnswer_EndsAtOnce(bool attached)
    {
        var status = await Cli.RunAsync("daemon", "status", "--json");
        using var health = JsonDocument.Parse(status.Stdout);
        var daemonPid = health.RootElement.GetProperty("daemon").GetProperty("pid").GetInt32();

        // A real fault: the daemon is stopped (SIGSTOP), so it accepts the connection and never answers.
        await SignalAsync("-STOP", daemonPid);
        Cli.Environment["DOTNET_EnableDiagnostics"] = "0";
        try
        {
            using var run = Cli.Start(attached ? ["run", "echo", "--root", _daemon.ProjectDir] : ["run", "echo", "--detach", "--root", _daemon.ProjectDir]);
            var stderr = run.StandardError.ReadToEndAsync();

            // Asking: coven holds its socket to the daemon (the only socket it opens).
            Assert.True(
                await Eventually.TrueAsync(() => HasSocket(run.Id), s_wait, TimeSpan.FromMilliseconds(20)),
                "coven never connected");
            var sent = Stopwatch.StartNew();
            await SignalAsync("-INT", run.Id);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await run.WaitForExitAsync(cts.Token);

            // 130 either way: 128 + SIGINT for a process the signal ended, coven's own code for an interrupted one.
            Assert.Equal(130, run.ExitCode);
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(8), $"took {sent.Elapsed}");
            if (attached)
            {
                Assert.Contains("coven: interrupted", await stderr, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("coven: interrupted", await stderr, StringComparison.Ordinal);
            }
        }
        finally
        {
            Cli.Environment.Remove("DOTNET_EnableDiagnostics");
            await SignalAsync("-CONT", daemonPid);
        }
    }

    [Fact]
    public async Task Completion_OffersShortIdsWithStatusAndTitle_StatusValues_Familiars_AndFish()
    {
        var title = "completed-" + Guid.NewGuid().ToString("N")[..6];
        var id = await _daemon.RunDetachedAsync("echo", "--title", title);
        var list = await Cli.RunAsync("ls", "--json");
        using var doc = JsonDocument.Parse(list.Stdout);
        var shortId = doc.RootElement.GetProperty("sessions").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id).GetProperty("shortId").GetString()!;

        var values = await Cli.RunAsync("__complete", "sessions");
        Assert.Contains($"{shortId}\tlive {title}\n", values.Stdout, StringComparison.Ordinal);

        var script = (await Cli.RunAsync("completion", "bash")).Stdout;
        var file = Path.Combine(_daemon.HomeDir, "completion-" + Guid.NewGuid().ToString("N")[..6] + ".bash");
        await File.WriteAllTextAsync(file, script
            + "COMP_WORDS=(coven show ''); COMP_CWORD=2; _coven; echo \"sessions: ${COMPREPLY[*]}\"\n"
            + "COMP_WORDS=(coven ls --status fin); COMP_CWORD=3; _coven; echo \"status: ${COMPREPLY[*]}\"\n"
            + "COMP_WORDS=(coven run ''); COMP_CWORD=2; _coven; echo \"run: ${COMPREPLY[*]}\"\n");
        var psi = new ProcessStartInfo("bash", ["--norc", "--noprofile", file]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["PATH"] = Path.GetDirectoryName(CovenCli.Executable) + ":/usr/bin:/bin";
        psi.Environment["COVEN_HOME"] = _daemon.HomeDir;
        using var bash = Process.Start(psi)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();
        File.Delete(file);

        Assert.Contains(shortId, output.Split('\n').Single(l => l.StartsWith("sessions:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("status: finished\n", output, StringComparison.Ordinal);
        var run = output.Split('\n').Single(l => l.StartsWith("run:", StringComparison.Ordinal));
        Assert.Contains(" codex", run, StringComparison.Ordinal);
        Assert.Contains(" claude", run, StringComparison.Ordinal);

        var fish = await Cli.RunAsync("completion", "fish");
        Assert.True(fish.ExitCode == 0, fish.ToString());
        Assert.Contains("complete -c coven -n '__fish_seen_subcommand_from show' -a '(COVEN_NO_AUTOSTART=1 coven __complete sessions 2>/dev/null)'", fish.Stdout, StringComparison.Ordinal);
        Assert.Contains("-l 'status' -x -a 'pending live finished failed orphaned archived'", fish.Stdout, StringComparison.Ordinal);
        await Cli.RunAsync("kill", id);
    }

    [Fact]
    public async Task Harnesses_AddListRemove_EditTheFileSafely_AndTheDaemonUsesItAtOnce()
    {
        var script = _daemon.Harnesses.Write("greet-harness", "printf 'greetings: %s\\n' \"$1\"");
        var added = await Cli.RunAsync("harnesses", "add", "greet", "--exec", script, "--prompt-arg", "{prompt}");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("registered harness greet", added.Stderr, StringComparison.Ordinal);
        var file = Path.Combine(_daemon.HomeDir, "harnesses.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var list = await Cli.RunAsync("harnesses", "list");
        Assert.Matches(@"\ngreet +harnesses\.json +/", list.Stdout);
        Assert.Matches(@"\ncodex +built-in", list.Stdout);
        Assert.Contains("catty", list.Stdout, StringComparison.Ordinal);

        // The daemon reads the file at each launch: no restart.
        var run = await Cli.RunAsync(["run", "greet", "hello there", "--root", _daemon.ProjectDir], stdin: null);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("greetings: hello there", run.Stdout, StringComparison.Ordinal);

        var builtIn = await Cli.RunAsync("harnesses", "add", "codex", "--exec", "/bin/true");
        Assert.Equal(2, builtIn.ExitCode);
        Assert.Contains("built-in", builtIn.Stderr, StringComparison.Ordinal);
        var missing = await Cli.RunAsync("harnesses", "add", "ghost", "--exec", "no-such-program-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not on PATH", missing.Stderr, StringComparison.Ordinal);
        var badId = await Cli.RunAsync("harnesses", "add", "Bad Id", "--exec", "/bin/true");
        Assert.Equal(1, badId.ExitCode);
        Assert.Contains("must match", badId.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad Id", await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        Assert.Equal(0, (await Cli.RunAsync("harnesses", "remove", "greet")).ExitCode);
        Assert.Equal(4, (await Cli.RunAsync("harnesses", "remove", "greet")).ExitCode);
        Assert.DoesNotContain("greet", await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, "{\"harnesses\": [ {\"id\": \"x\", \"executable\": \"relative\"} ]}");
        var invalid = await Cli.RunAsync("harnesses", "list");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("needs an absolute executable path", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("(invalid_harnesses)", invalid.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ReportsVersionsAndDisk_InAlignedColumns_AndHelpSummariesAreWholeSentences()
    {
        var doctor = await Cli.RunAsync("doctor");
        var lines = doctor.Stdout.Split('\n').Where(l => l.StartsWith('[')).ToList();
        Assert.Contains(lines, l => l.StartsWith($"[ok]   versions         coven {Coven.Core.ProductVersion.Full}, covend {Coven.Core.ProductVersion.Number}", StringComparison.Ordinal));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[(ok|warn)\] +disk +store \d"));
        Assert.All(lines, l => Assert.Matches(@"^\[[a-zA-Z?]+\] *[^ ]", l));
        Assert.Single(lines.Select(l => l.IndexOf(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], 4, StringComparison.Ordinal)).Distinct());

        var help = await Cli.RunAsync("--help");
        var logs = help.Stdout.Split('\n').Single(l => l.StartsWith("  logs ", StringComparison.Ordinal));
        Assert.EndsWith("Print a session's output.", logs.TrimEnd(), StringComparison.Ordinal);
        Assert.All(help.Stdout.Split("Commands:")[1].Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("  ", StringComparison.Ordinal)), l => Assert.DoesNotMatch(@"[,(]$", l.TrimEnd()));
    }

    private static bool HasSocket(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
                .Any(fd => new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private async Task<string> RunInAsync(string root)
    {
        var r = await Cli.RunAsync(["run", "echo", "--detach", "--root", root], stdin: null);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }
}
