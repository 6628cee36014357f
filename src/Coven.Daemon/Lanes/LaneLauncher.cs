using System.Diagnostics;
using System.Text.Json;
using Coven.Core;
using Coven.Daemon.Hosting;

namespace Coven.Daemon.Lanes;

/// <summary>
/// Starts <c>coven-lane</c> for a pending session and reads its one-line report. Every lane starts as a spare
/// (<c>coven-lane --spare</c>) and gets its session on stdin, one JSON object with the caller's environment (never an
/// argv, the store or a log; see Coven.Lane.SpareAssignment). After each launch one spare is started ahead of the next,
/// so a launch does not wait for a process to start, its runtime to initialise and SQLite to open (about half of a
/// launch, docs/benchmarks-cli.md); tmux forks its sessions from a running server for the same reason. The spare is
/// retired (its stdin closed, on which it exits) after <see cref="DaemonOptions.SpareIdle"/> unused, when its executable was replaced
/// (an upgrade: the next session gets the new lane) and when the daemon stops. A daemon that never launches has none.
/// The lane inherits the daemon's environment. Lanes are never killed when the daemon stops: they outlive it by
/// design. The daemon only reaps the ones it started.
/// </summary>
internal sealed partial class LaneLauncher(DaemonOptions options, ILogger<LaneLauncher> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private Spare? _spare;
    private bool _disposed;

    /// <param name="callerEnvironment">The harness's base environment instead of the daemon's (sent with the assignment).</param>
    public async Task<LaneStartResult> StartAsync(SessionId session, IReadOnlyDictionary<string, string>? callerEnvironment, CancellationToken cancellationToken)
    {
        Process process;
        if (TakeSpare() is { } warm)
        {
            process = warm;
        }
        else
        {
            try
            {
                (process, _) = Spawn();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                return new LaneStartResult { Outcome = LaneStartOutcome.SpawnFailed, Reason = $"cannot start coven-lane at '{options.LanePath}': {e.Message}" };
            }
        }

        await AssignAsync(process, session, callerEnvironment);

        string? line;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            cts.CancelAfter(options.LaunchTimeout);
            try
            {
                line = await process.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                line = null;
            }
            catch (IOException)
            {
                line = null;
            }
        }

        var result = Parse(line);
        if (result is null)
        {
            TryKill(process);
            var why = line is null
                ? $"coven-lane did not report within {Durations.Format(options.LaunchTimeout)}"
                : "coven-lane sent an unreadable report";
            return new LaneStartResult { Outcome = LaneStartOutcome.Lost, Reason = why };
        }

        return result;
    }

    /// <summary>Retires the spare: it exits when its stdin closes without an assignment.</summary>
    public void Dispose()
    {
        Spare? spare;
        lock (_gate)
        {
            _disposed = true;
            spare = _spare;
            _spare = null;
        }

        spare?.Retire();
    }

    /// <summary>
    /// Starts a spare unless there is one (or the daemon is stopping); failures wait for the next launch. Called once a
    /// launch has settled (answered and attached), so the spare's start does not compete with it for the CPU.
    /// </summary>
    public void PrepareSpare()
    {
        lock (_gate)
        {
            if (_spare is not null || _disposed)
            {
                return;
            }

            try
            {
                var (process, reaped) = Spawn();
                _spare = new Spare(process, reaped, this, options.SpareIdle);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                LogSpareFailed(e.Message);
            }
        }
    }

    /// <summary>The spare if it is still waiting and still runs the installed coven-lane; otherwise null (and it is retired).</summary>
    private Process? TakeSpare()
    {
        Spare? spare;
        lock (_gate)
        {
            spare = _spare;
            _spare = null;
        }

        if (spare is null)
        {
            return null;
        }

        // Reaped: it exited (its pid may already be someone else's). Not reaped but gone: /proc has no exe for a zombie.
        if (spare.Reaped.IsCompleted || !RunsInstalledLane(spare.Pid))
        {
            spare.Retire();
            return null;
        }

        spare.Take();
        return spare.Process;
    }

    /// <summary>
    /// False when the spare's executable is no longer the file at LanePath: an install renamed a new coven-lane over
    /// it (the kernel then shows the running one as deleted) or LanePath now leads elsewhere.
    /// </summary>
    private bool RunsInstalledLane(int pid)
    {
        try
        {
            // The kernel's name of the running file is canonical (and ends in " (deleted)" once it was replaced).
            var running = new FileInfo($"/proc/{pid}/exe").LinkTarget;
            return running is not null && PathPolicy.TryCanonicalize(options.LanePath, out var installed) && string.Equals(running, installed, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Starts a lane (a spare until assigned); <c>Reaped</c> completes once it exited and was reaped.</summary>
    private (Process Process, Task Reaped) Spawn()
    {
        var info = new ProcessStartInfo(options.LanePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = false,
            WorkingDirectory = options.Paths.Home,
        };
        info.ArgumentList.Add("--spare");
        info.ArgumentList.Add("--home");
        info.ArgumentList.Add(options.Paths.Home);
        foreach (var argument in InheritedLimits.LaneArguments())
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null");

        // Reap the lane whenever it exits; the Process object is the daemon's only handle on its child.
        return (process, ReapAsync(process));
    }

    /// <summary>Writes the assignment and closes the lane's stdin (the lane reads to the end).</summary>
    private static async Task AssignAsync(Process process, SessionId session, IReadOnlyDictionary<string, string>? environment)
    {
        try
        {
            var stdin = process.StandardInput.BaseStream;
            await using (var writer = new Utf8JsonWriter(stdin))
            {
                writer.WriteStartObject();
                writer.WriteString("session", session.Value);
                if (environment is not null)
                {
                    writer.WriteStartObject("environment");
                    foreach (var (name, value) in environment)
                    {
                        writer.WriteString(name, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            await stdin.FlushAsync();
        }
        catch (IOException)
        {
            // The lane died before reading: its report (or its silence) says what happened.
        }
        finally
        {
            CloseInput(process);
        }
    }

    private static void CloseInput(Process process)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Already gone (reaped and disposed): nothing to close.
        }
    }

    /// <summary>The one waiting lane, with the timer that retires it when no launch comes.</summary>
    private sealed class Spare : IDisposable
    {
        private readonly Timer _idle;

        public Spare(Process process, Task reaped, LaneLauncher owner, TimeSpan idle)
        {
            Process = process;
            Pid = process.Id;
            Reaped = reaped;
            _idle = new Timer(_ => owner.RetireIdle(this), null, idle, Timeout.InfiniteTimeSpan);
        }

        public Process Process { get; }

        public int Pid { get; }

        public Task Reaped { get; }

        /// <summary>Taken for a launch: no longer retired when idle.</summary>
        public void Take() => Dispose();

        public void Retire()
        {
            Dispose();
            CloseInput(Process);
        }

        public void Dispose() => _idle.Dispose();
    }

    private void RetireIdle(Spare spare)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_spare, spare))
            {
                return;
            }

            _spare = null;
        }

        spare.Retire();
    }

    private static LaneStartResult? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok))
            {
                return null;
            }

            if (ok.ValueKind == JsonValueKind.True)
            {
                return new LaneStartResult
                {
                    Outcome = LaneStartOutcome.Started,
                    LanePid = root.TryGetProperty("lanePid", out var lp) && lp.TryGetInt32(out var l) ? l : 0,
                    HarnessPid = root.TryGetProperty("harnessPid", out var hp) && hp.TryGetInt32(out var h) ? h : 0,
                    Cwd = root.TryGetProperty("cwd", out var cwd) && cwd.ValueKind == JsonValueKind.String ? cwd.GetString() : null,
                };
            }

            return new LaneStartResult
            {
                Outcome = LaneStartOutcome.SpawnFailed,
                Reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "the lane could not start the harness",
                Errno = root.TryGetProperty("errno", out var en) && en.TryGetInt32(out var n) ? n : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void TryKill(Process process)
    {
        try
        {
            // The lane called setsid, so it leads its own group: take the group down with it (harness included).
            if (ProcessIdentity.TryRead(process.Id, out var identity) && identity.TryGetProcessGroup(out var pgid) && pgid == process.Id)
            {
                _ = Interop.Libc.Kill(-pgid, Signals.SIGKILL);
            }

            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            LogKillFailed(process.Id, e.Message);
        }
    }

    private static async Task ReapAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            process.Dispose();
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.LaunchLost, Level = LogLevel.Warning, Message = "Could not kill unresponsive lane {Pid}: {Reason}")]
    private partial void LogKillFailed(int pid, string reason);

    [LoggerMessage(EventId = Logging.EventIds.SpareLaneFailed, Level = LogLevel.Warning, Message = "Could not start a spare coven-lane (the next launch starts its own): {Reason}")]
    private partial void LogSpareFailed(string reason);
}
