using System.Diagnostics;
using System.Text.Json;
using Coven.Cli.Remote;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// The "remote host": a real covend (its own COVEN_HOME) behind a real sshd on a loopback port, and a local coven
/// with a COVEN_HOME of its own that reaches it with the system ssh client (BatchMode, pinned host key).
/// </summary>
public sealed class RemoteFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _local = new();

    public RemoteFixture()
    {
        Remote = new DaemonFixture();
        Ssh = new SshServer();
        LocalHome = _local.Combine("h");
        Directory.CreateDirectory(LocalHome);
        File.SetUnixFileMode(LocalHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // This machine's own daemon can run the same echo harness (for the --all-hosts listing).
        var echo = Remote.Harnesses.WriteEcho("local-echo");
        File.WriteAllText(Path.Combine(LocalHome, "harnesses.json"), $"{{\"harnesses\":[{{\"id\":\"echo\",\"executable\":\"{echo}\"}}]}}");
        Local = new CovenCli(LocalHome);
        Local.Environment["COVEN_SSH_CONFIG"] = Ssh.ClientConfig;
        Local.Environment["COVEN_REMOTE_COVEN"] = CovenCli.Executable;
        Local.Environment["COVEN_REMOTE_HOME"] = Remote.HomeDir;
    }

    public DaemonFixture Remote { get; }
    public SshServer Ssh { get; }
    public string LocalHome { get; }
    public CovenCli Local { get; }

    /// <summary>coven --host ssh://… ARGS, run on this side.</summary>
    public Task<CliResult> OnRemoteAsync(params string[] args) => Local.RunAsync(["--host", Ssh.Address, .. args], stdin: null, timeout: TimeSpan.FromSeconds(60));

    public Task InitializeAsync() => Remote.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Remote.DisposeAsync();
        await Local.RunAsync("daemon", "stop");
    }

    public void Dispose()
    {
        Ssh.Dispose();
        Remote.Dispose();
        _local.Dispose();
    }
}

public sealed class RemoteTests(RemoteFixture fx) : IClassFixture<RemoteFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunSendScreenKill_ThroughSsh_ActOnTheRemoteDaemon()
    {
        var run = await fx.OnRemoteAsync("run", "echo", "hello", "--root", fx.Remote.ProjectDir, "--detach");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();

        // The session is the remote daemon's: its own CLI sees it; this machine's home has no store at all.
        Assert.Equal("live", (await fx.Remote.WaitForStatusAsync(id, s_wait, "live")).GetProperty("status").GetString());
        var here = await fx.Local.RunAsync("--host", "local", "show", id);
        Assert.True(here.ExitCode == 4, "the session must exist on the remote daemon only: " + here);

        var send = await fx.OnRemoteAsync("send", id, "--submit", "over the wire");
        Assert.True(send.ExitCode == 0, send.ToString());
        var wait = await fx.OnRemoteAsync("wait", id, "--for", "got: over the wire", "--timeout", "20s");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        var screen = await fx.OnRemoteAsync("screen", id);
        Assert.Contains("got: over the wire", screen.Stdout, StringComparison.Ordinal);

        var ls = await fx.OnRemoteAsync("ls", "--json");
        Assert.Contains(id, ls.Stdout, StringComparison.Ordinal);

        // The rest of the command surface goes over the same transport: rituals, handoff, cast catalog, doctor.
        var rituals = await fx.OnRemoteAsync("rituals", "list", "--json");
        Assert.True(rituals.ExitCode == 0, rituals.ToString());
        var handoff = await fx.OnRemoteAsync("handoff", id, "--json");
        Assert.True(handoff.ExitCode == 0, handoff.ToString());
        Assert.Contains(id, handoff.Stdout, StringComparison.Ordinal);
        var doctor = await fx.OnRemoteAsync("doctor", "--json");
        var host = JsonDocument.Parse(doctor.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "host");
        Assert.Equal("ok", host.GetProperty("status").GetString());

        var kill = await fx.OnRemoteAsync("kill", id);
        Assert.True(kill.ExitCode == 0, kill.ToString());
        var ended = await fx.Remote.WaitForStatusAsync(id, s_wait, "failed", "finished");
        Assert.NotEqual("live", ended.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Contexts_AddUseListRemove_FileIsPrivate_AndQualifiedReferencesReachTheHost()
    {
        var add = await fx.Local.RunAsync("context", "add", "build", fx.Ssh.Address, "--remote-coven", CovenCli.Executable, "--remote-home", fx.Remote.HomeDir);
        Assert.True(add.ExitCode == 0, add.ToString());
        try
        {
            var file = Path.Combine(fx.LocalHome, "contexts.json");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var again = await fx.Local.RunAsync("context", "add", "build", fx.Ssh.Address);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("context_exists", again.Stderr, StringComparison.Ordinal);
            var reserved = await fx.Local.RunAsync("context", "add", "local", fx.Ssh.Address);
            Assert.Equal(2, reserved.ExitCode);

            var id = await fx.Remote.RunDetachedAsync("echo");

            // build:<prefix> reaches the remote daemon without --host.
            var show = await fx.Local.RunAsync("show", "build:" + id[..13], "--json");
            Assert.True(show.ExitCode == 0, show.ToString());
            Assert.Equal(id, JsonDocument.Parse(show.Stdout).RootElement.GetProperty("id").GetString());

            // After `use`, plain references go there too; `use local` comes back.
            Assert.Equal(0, (await fx.Local.RunAsync("context", "use", "build")).ExitCode);
            var ls = await fx.Local.RunAsync("context", "ls", "--json");
            Assert.Equal("build", JsonDocument.Parse(ls.Stdout).RootElement.GetProperty("current").GetString());
            var showPlain = await fx.Local.RunAsync("show", id, "--json");
            Assert.True(showPlain.ExitCode == 0, showPlain.ToString());
            Assert.Equal(0, (await fx.Local.RunAsync("context", "use", "local")).ExitCode);
            Assert.Equal(JsonValueKind.Null, JsonDocument.Parse((await fx.Local.RunAsync("context", "ls", "--json")).Stdout).RootElement.TryGetProperty("current", out var cur) ? cur.ValueKind : JsonValueKind.Null);

            await fx.Remote.Cli.RunAsync("kill", id, "--signal", "KILL");
        }
        finally
        {
            await fx.Local.RunAsync("context", "use", "local");
            Assert.Equal(0, (await fx.Local.RunAsync("context", "rm", "build")).ExitCode);
        }

        Assert.Equal(4, (await fx.Local.RunAsync("context", "rm", "build")).ExitCode);
    }

    [Fact]
    public async Task AllHosts_ListsLocalAndRemote_AndReportsDownHostsWithinTheTimeout()
    {
        var remoteId = await fx.Remote.RunDetachedAsync("echo");
        var local = await fx.Local.RunAsync("run", "echo", "--root", fx.Remote.ProjectDir, "--detach");
        Assert.True(local.ExitCode == 0, local.ToString());
        var localId = local.Stdout.Trim();

        // A host whose sshd is gone (refused), and one that accepts TCP but never speaks (the timeout).
        using var gone = new SshServer();
        gone.Stop();
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var silentPort = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await AddContextAsync("far", fx.Ssh.Address);
        await AddContextAsync("down", $"ssh://root@127.0.0.1:{gone.Port}");
        await AddContextAsync("mute", $"ssh://root@127.0.0.1:{silentPort}");
        try
        {
            var sw = Stopwatch.StartNew();
            var r = await fx.Local.RunAsync("ls", "--all-hosts", "--json", "--host-timeout", "15s");
            sw.Stop();
            Assert.True(r.ExitCode == 0, r.ToString());
            var doc = JsonDocument.Parse(r.Stdout).RootElement;
            var hosts = doc.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!);
            Assert.True(hosts["local"].GetProperty("reachable").GetBoolean());
            Assert.True(hosts["far"].GetProperty("reachable").GetBoolean(), r.Stdout);
            Assert.False(hosts["down"].GetProperty("reachable").GetBoolean());
            Assert.Equal("host_unreachable", hosts["down"].GetProperty("error").GetProperty("code").GetString());
            Assert.False(hosts["mute"].GetProperty("reachable").GetBoolean());
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(45), $"the listing took {sw.Elapsed}: hosts are not bounded by their timeout");

            var sessions = doc.GetProperty("sessions").EnumerateArray().Select(s => (Id: s.GetProperty("id").GetString(), Host: s.GetProperty("host").GetString())).ToList();
            Assert.Contains((localId, "local"), sessions);
            Assert.Contains((remoteId, "far"), sessions);

            var table = await fx.Local.RunAsync("ls", "--all-hosts", "--host-timeout", "15s");
            Assert.Contains("HOST", table.Stdout, StringComparison.Ordinal);
            Assert.Contains("unreachable", table.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var n in new[] { "far", "down", "mute" })
            {
                await fx.Local.RunAsync("context", "rm", n);
            }

            await fx.Local.RunAsync("kill", localId, "--signal", "KILL");
            await fx.Remote.Cli.RunAsync("kill", remoteId, "--signal", "KILL");
        }
    }

    [Fact]
    public async Task RefusedKey_RemoteCovenMissing_SshMissing_FailClearlyWithExit3()
    {
        var refused = await fx.Local.RunAsync(["--host", fx.Ssh.Address, "ls"], stdin: null, timeout: s_wait);
        Assert.Equal(0, refused.ExitCode); // the authorized key works (control)

        var stranger = new CovenCli(fx.LocalHome);
        foreach (var (k, v) in fx.Local.Environment)
        {
            stranger.Environment[k] = v;
        }

        stranger.Environment["COVEN_SSH_CONFIG"] = fx.Ssh.StrangerConfig;
        var auth = await stranger.RunAsync(["--host", fx.Ssh.Address, "ls"], stdin: null, timeout: s_wait);
        Assert.Equal(3, auth.ExitCode);
        Assert.Contains("(ssh_auth_failed)", auth.Stderr, StringComparison.Ordinal);

        stranger.Environment["COVEN_SSH_CONFIG"] = fx.Ssh.ClientConfig;
        stranger.Environment["COVEN_REMOTE_COVEN"] = "/nonexistent/coven";
        var missing = await stranger.RunAsync(["--host", fx.Ssh.Address, "ls"], stdin: null, timeout: s_wait);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("(remote_coven_missing)", missing.Stderr, StringComparison.Ordinal);

        // A remote coven of another API generation: the handshake refuses it and names both versions.
        var old = fx.Remote.Harnesses.Write("old-coven", """
            IFS= read -r line
            body='{"ok":true,"apiVersion":"coven.daemon.v0","covenVersion":"0.0.1","daemon":{"pid":1,"startedAt":"2026-01-01T00:00:00Z","socket":"/x"},"capabilities":{}}'
            printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#body}" "$body"
            """);
        stranger.Environment["COVEN_REMOTE_COVEN"] = old;
        var incompatible = await stranger.RunAsync(["--host", fx.Ssh.Address, "ls"], stdin: null, timeout: s_wait);
        Assert.Equal(3, incompatible.ExitCode);
        Assert.Contains("(remote_incompatible)", incompatible.Stderr, StringComparison.Ordinal);
        Assert.Contains("coven.daemon.v0", incompatible.Stderr, StringComparison.Ordinal);

        // A remote home where no daemon can start.
        stranger.Environment["COVEN_REMOTE_COVEN"] = CovenCli.Executable;
        stranger.Environment["COVEN_REMOTE_HOME"] = "/proc/no-coven-here";
        var noDaemon = await stranger.RunAsync(["--host", fx.Ssh.Address, "ls"], stdin: null, timeout: s_wait);
        Assert.Equal(3, noDaemon.ExitCode);
        Assert.Contains("(remote_daemon_unreachable)", noDaemon.Stderr, StringComparison.Ordinal);

        // The same failure on this machine is a clear error too (it was an unhandled exception).
        var unusable = await new CovenCli("/proc/no-coven-here").RunAsync("ls");
        Assert.Equal(3, unusable.ExitCode);
        Assert.Contains("cannot be created", unusable.Stderr, StringComparison.Ordinal);

        stranger.Environment["COVEN_SSH"] = "/nonexistent/ssh";
        var noSsh = await stranger.RunAsync(["--host", fx.Ssh.Address, "ls"], stdin: null, timeout: s_wait);
        Assert.Equal(3, noSsh.ExitCode);
        Assert.Contains("(ssh_missing)", noSsh.Stderr, StringComparison.Ordinal);

        var bad = await fx.Local.RunAsync("--host", "http://example", "ls");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("ssh://", bad.Stderr, StringComparison.Ordinal);

        var noRoot = await fx.OnRemoteAsync("run", "echo", "--detach");
        Assert.Equal(2, noRoot.ExitCode);
        Assert.Contains("--root", noRoot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsFollow_SurvivesADroppedConnection()
    {
        var id = await fx.Remote.RunDetachedAsync("echo");
        using var follow = fx.Local.Start(["--host", fx.Ssh.Address, "logs", id, "-f"]);
        var output = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await follow.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, n);
                }
            }
        });
        try
        {
            Assert.True(await Eventually.TrueAsync(() => Seen(output, "ready"), s_wait, TimeSpan.FromMilliseconds(50)), "logs -f never showed the harness's first output");

            // Drop every connection the remote side serves for this home: kill its dial-stdio relays for real.
            var relays = DialStdioRelays(fx.Remote.HomeDir);
            Assert.NotEmpty(relays);
            foreach (var pid in relays)
            {
                Process.GetProcessById(pid).Kill();
            }

            Assert.Equal(0, (await fx.Remote.Cli.RunAsync("send", id, "--submit", "after the drop")).ExitCode);
            Assert.True(
                await Eventually.TrueAsync(() => Seen(output, "got: after the drop"), s_wait, TimeSpan.FromMilliseconds(50)),
                $"logs -f did not reconnect after the connection dropped; it printed:\n{output}\nstderr: {(follow.HasExited ? follow.StandardError.ReadToEnd() : "(running)")}");
        }
        finally
        {
            await fx.Remote.Cli.RunAsync("kill", id, "--signal", "KILL");
            if (!follow.WaitForExit(20_000))
            {
                follow.Kill(entireProcessTree: true);
            }

            await reading.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(0, follow.ExitCode);
    }

    [Fact]
    public async Task Attach_ThroughSshInTmux_TypingReachesTheHarness_AndCtrlBracketDetaches()
    {
        var id = await fx.Remote.RunDetachedAsync("echo");
        using var tmux = new TempDir("cvt-");
        var socket = tmux.Combine("s");
        var args = new List<string> { "new-session", "-d", "-s", "t", "-x", "100", "-y", "30" };
        foreach (var pair in fx.Local.EnvironmentPairs())
        {
            args.Add("-e");
            args.Add(pair);
        }

        args.Add("env -u TMUX PS1='$ ' bash --norc --noprofile");
        await Tmux(socket, [.. args]);
        try
        {
            await Tmux(socket, "send-keys", "-t", "t", $"{CovenCli.Executable} --host {fx.Ssh.Address} attach {id}; echo \"rc=$?\"", "Enter");
            await ScreenShows(socket, "ready");
            await Tmux(socket, "send-keys", "-t", "t", "-l", "typed remotely");
            await Tmux(socket, "send-keys", "-t", "t", "Enter");
            await ScreenShows(socket, "got: typed remotely");
            await Tmux(socket, "send-keys", "-t", "t", "C-]");
            await ScreenShows(socket, "rc=0");
            Assert.Equal("live", (await fx.Remote.ShowAsync(id)).GetProperty("status").GetString());
        }
        finally
        {
            await Tmux(socket, "kill-server");
            await fx.Remote.Cli.RunAsync("kill", id, "--signal", "KILL");
        }
    }

    [Theory]
    [InlineData("ssh://build", null, "build", null)]
    [InlineData("ssh://me@build:2222", "me", "build", 2222)]
    [InlineData("ssh://me@[::1]:22/", "me", "::1", 22)]
    [InlineData("SSH://10.1.2.3", null, "10.1.2.3", null)]
    public void SshTarget_Parses(string address, string? user, string host, int? port)
    {
        var t = SshTarget.Parse(address);
        Assert.Equal(user, t.User);
        Assert.Equal(host, t.Host);
        Assert.Equal(port, t.Port);
        Assert.Equal(t.Address, SshTarget.Parse(t.Address).Address);
    }

    [Theory]
    [InlineData("build")]
    [InlineData("https://build")]
    [InlineData("ssh://")]
    [InlineData("ssh://me:pw@build")]
    [InlineData("ssh://build:0")]
    [InlineData("ssh://build:99999")]
    [InlineData("ssh://-oProxyCommand=x")]
    [InlineData("ssh://-l@build")]
    [InlineData("ssh://bu ild")]
    public void SshTarget_RefusesWhatIsNotAPlainSshAddress(string address)
    {
        var e = Assert.Throws<CliException>(() => SshTarget.Parse(address));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public void SshArguments_KeepBatchModeAndTheDestinationAfterDoubleDash_AndQuoteTheRemoteCommand()
    {
        var t = SshTarget.Parse("ssh://me@build:2222") with { RemoteCoven = "/opt/my coven/coven", RemoteHome = "/home/me/it's" };
        var args = t.SshArguments();
        Assert.Equal(["-o", "BatchMode=yes"], args.Take(2));
        var dd = args.IndexOf("--");
        Assert.Equal("build", args[dd + 1]);
        Assert.Equal("'/opt/my coven/coven' --home '/home/me/it'\\''s' dial-stdio", args[dd + 2]);
        Assert.Equal(dd + 3, args.Count);
    }

    [Theory]
    [InlineData(255, "root@127.0.0.1: Permission denied (publickey).", "ssh_auth_failed")]
    [InlineData(255, "Host key verification failed.", "ssh_host_key_failed")]
    [InlineData(255, "ssh: connect to host 127.0.0.1 port 1: Connection refused", "host_unreachable")]
    [InlineData(127, "bash: line 1: coven: command not found", "remote_coven_missing")]
    [InlineData(3, "coven: cannot start the daemon (daemon_unreachable)", "remote_daemon_unreachable")]
    public void SshFailures_AreClassified(int exit, string stderr, string code)
    {
        var e = SshChannel.Classify("ssh://x", exit, stderr);
        Assert.Equal(code, e.Code);
        Assert.Equal(ExitCodes.DaemonUnreachable, e.ExitCode);
        Assert.Contains(stderr.Trim(), e.Message, StringComparison.Ordinal);
    }

    private async Task AddContextAsync(string name, string address)
    {
        var r = await fx.Local.RunAsync("context", "add", name, address, "--remote-coven", CovenCli.Executable, "--remote-home", fx.Remote.HomeDir, "--force");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private static bool Seen(System.Text.StringBuilder output, string text)
    {
        lock (output)
        {
            return output.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    /// <summary>The dial-stdio processes serving <paramref name="home"/> (found in /proc by their command line).</summary>
    private static List<int> DialStdioRelays(string home)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (argv.Contains("dial-stdio") && argv.Contains(home))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    private static async Task ScreenShows(string socket, string text)
    {
        var screen = string.Empty;
        var ok = await Eventually.TrueAsync(
            async () =>
            {
                screen = await Tmux(socket, "capture-pane", "-p", "-t", "t");
                return screen.Contains(text, StringComparison.Ordinal);
            },
            s_wait,
            TimeSpan.FromMilliseconds(50));
        Assert.True(ok, $"'{text}' never appeared:\n{screen}");
    }

    private static async Task<string> Tmux(string socket, params string[] args)
    {
        var psi = new ProcessStartInfo("tmux", ["-S", socket, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment.Remove("TMUX");
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }
}
