using System.Collections;
using System.Runtime.InteropServices;
using Coven.Core;
using Coven.Core.Redaction;
using Coven.Lane.Control;
using Coven.Interop;
using Coven.Lane.Output;
using Coven.Pty;
using Coven.Store;

namespace Coven.Lane;

/// <summary>
/// One lane's life: detach, (as a spare: warm up and wait for the daemon's assignment), read the launch spec, bind the
/// control socket, spawn the harness in a PTY, hand the daemon one handshake line, record output until the harness
/// exits, record the exit, linger briefly for subscribers, clean up.
/// </summary>
internal static class LaneHost
{
    private static readonly TimeSpan s_drainAfterExit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_descendantGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_linger = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_shutdownGrace = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // Files the lane (and SQLite) creates in COVEN_HOME are private to the user: umask 077. The harness gets
        // the user's umask (--umask from the daemon, else the one the lane inherited) through the spawner.
        var inheritedUmask = Libc.Umask(0x3F);

        // Many control connections must not run the lane out of descriptors; the harness gets the original soft limit.
        var fdLimit = FileDescriptorLimit.RaiseSoftToHard();

        // A new session: the daemon's death, a SIGHUP to its process group or its terminal closing must not reach us.
        // EPERM means we already lead a group (started by something other than the daemon); that is fine.
        if (Libc.Setsid() < 0 && Marshal.GetLastPInvokeError() != Libc.EPERM)
        {
            Handshake.Failed("setsid failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()), Marshal.GetLastPInvokeError());
            return 2;
        }

        if (!LaneArguments.TryParse(args, out var arguments, out var argumentError))
        {
            Handshake.Failed(argumentError, 0);
            return 2;
        }

        var paths = arguments!.Paths;
        var subreaper = Descendants.BecomeSubreaper();
        CovenStore? warm = null;
        SessionId session;
        Dictionary<string, string>? caller = null;
        if (arguments.Session is { } given)
        {
            session = given;
        }
        else
        {
            // A spare: the daemon starts one ahead of the next launch (docs/lane-protocol.md, "Spare lanes"). Everything that
            // does not depend on the session (the runtime, SQLite and the store's connection) is ready when it arrives.
            try
            {
                warm = new CovenStore(paths.Database);
                _ = warm.SchemaVersion();

                // The launch spec's serializer metadata is built on first use, by reflection in part: build it now.
                _ = Coven.Core.RecordJsonContext.Default.LaunchSpec;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
            {
                // Reported once the session is known (RunSessionAsync opens the store again and says why it cannot).
                warm?.Dispose();
                warm = null;
            }

            using var stdin = Console.OpenStandardInput();
            if (!SpareAssignment.TryRead(stdin, out var assignment, out var assignmentError))
            {
                warm?.Dispose();
                if (assignmentError.Length == 0)
                {
                    return 0;
                }

                Handshake.Failed(assignmentError, 0);
                return 2;
            }

            session = assignment!.Session;
            caller = assignment.Environment;
        }

        using var log = LaneLog.Open(paths.LaneLog(session));
        log.Info($"lane {Environment.ProcessId} starting for session {session}" + (arguments.Spare ? " (spare)" : ""));
        if (!subreaper)
        {
            log.Warn("PR_SET_CHILD_SUBREAPER refused: processes that leave the harness's group may outlive the session");
        }
        try
        {
            using var store = warm ?? new CovenStore(paths.Database);
            return await RunSessionAsync(store, session, paths, caller, new HarnessLimits(arguments.HarnessUmask ?? inheritedUmask, arguments.HarnessFileLimit ?? fdLimit.Before), log, cancellationToken);
        }
        catch (Exception ex)
        {
            log.Error("the lane failed", ex);
            Handshake.Failed("the lane failed: " + ex.Message, 0);
            return 1;
        }
    }

    /// <summary>
    /// Whether the daemon has recorded the session as started (its pending → live lifecycle event): the lane's first
    /// events wait for it, so a harness that exits at once cannot have its exit stored before it went live. Null when
    /// no daemon serves this home (the lane's own tests and benchmarks), where there is nothing to wait for.
    /// </summary>
    private static Func<bool>? DaemonStarted(CovenStore store, SessionId session, CovenPaths paths) =>
        File.Exists(paths.Socket) ? () => !store.Sessions.IsPending(session) : null;

    /// <param name="caller">The caller's environment from the daemon (the harness's base), or null for the lane's own.</param>
    private static async Task<int> RunSessionAsync(CovenStore store, SessionId session, CovenPaths paths, Dictionary<string, string>? caller, HarnessLimits harness, LaneLog log, CancellationToken cancellationToken)
    {
        // Lanes write SQLite directly and outlive daemon upgrades: refuse, before writing anything, a schema this
        // build does not know (issue 12 item 12).
        var schema = store.SchemaVersion();
        if (schema is < CovenStore.LaneOldestSchemaVersion || schema > CovenStore.LatestSchemaVersion)
        {
            return Fail(log, $"the store {paths.Database} has schema version {schema}; this coven-lane writes versions {CovenStore.LaneOldestSchemaVersion}..{CovenStore.LatestSchemaVersion}", 0);
        }

        var spec = store.Sessions.GetLaunchSpec(session);
        if (spec is null)
        {
            return Fail(log, $"session {session} has no launch spec in {paths.Database}", 0);
        }

        using var server = ControlServer.TryBind(paths.LaneSocket(session), log, out var bindError);
        if (server is null)
        {
            return Fail(log, bindError, 0);
        }

        var environment = spec.BuildEnvironment(WithoutCovenInternals(caller ?? InheritedEnvironment()));
        ActivityHook.Export(environment, paths.LaneSocket(session));
        var executable = Path.IsPathFullyQualified(spec.Executable)
            ? spec.Executable
            : PtyProcess.ResolveExecutable(spec.Executable, environment.GetValueOrDefault("PATH")) ?? spec.Executable;
        // The cwd is resolved here, at spawn time, beneath the recorded canonical root (no symlink out of it): the
        // daemon's check at request time cannot see a component swapped for a symlink afterwards.
        var root = store.Sessions.GetProjectRoot(session);
        var start = PtyProcess.Start(new PtyStartOptions(executable, spec.Arguments, spec.WorkingDirectory, environment, spec.Columns, spec.Rows)
        {
            Umask = harness.Umask,
            FileLimit = harness.FileLimit is 0 ? null : harness.FileLimit,
            ConfinedTo = root,
        });
        if (!start.Succeeded)
        {
            return Fail(log, start.Error.Message, start.Error.Errno);
        }

        using var pty = start.Process;
        ProcessIdentity.TryRead(Environment.ProcessId, out var laneIdentity);
        var harnessIdentity = new ProcessIdentity(pty.Pid, pty.StartTime);
        try
        {
            store.Sessions.RecordProcesses(session, laneIdentity, harnessIdentity);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            // Without recorded identities the daemon could never verify or clean up this harness: do not leave it running.
            log.Error("recording the processes failed", ex);
            await pty.KillAsync(TimeSpan.FromMilliseconds(500), cancellationToken);
            return Fail(log, "could not record the harness process in the store: " + ex.Message, 0);
        }

        log.Info($"harness {pty.Pid} started: {executable} ({spec.Columns}x{spec.Rows}) in {pty.WorkingDirectory}");

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = RegisterShutdownSignals(pty, log, stopping.Token);
        var harnessPid = pty.Pid;
        using var reaper = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => Descendants.ReapExited(harnessPid));

        // The daemon answers the launch once it has this line: what follows is built and started after it, off the
        // launch's critical path. Nothing is lost meanwhile: the terminal holds the harness's output until the pump
        // reads it, and the bound socket queues the daemon's connection until the accept loop takes it.
        Handshake.Succeeded(Environment.ProcessId, pty.Pid, pty.WorkingDirectory);
        Handshake.DetachStandardStreams(log);

        var state = new LaneState(session, laneIdentity, harnessIdentity, store.Events.LastSeq(session));
        var hub = new NotificationHub();
        var terminal = new TerminalState(spec.Columns, spec.Rows, ProductVersion.Number);
        using var input = new InputWriter(pty, log);
        var redaction = RedactionRules.Load(paths.Home, out var redactionError);
        if (redactionError is not null)
        {
            log.Error("redaction settings: " + redactionError);
        }

        log.UseRedaction(redaction);
        using var recorder = new EventRecorder(store, state, hub, log, redaction, DaemonStarted(store, session, paths));
        using var activity = new ActivityMonitor(store, state, hub, terminal, spec.Activity, log);
        var pump = new OutputPump(pty, terminal, input, recorder, activity, log);
        var handler = new ControlRequestHandler(state, pty, terminal, input, hub, log, stopping.Token, activity);
        recorder.Start();
        pump.Start();
        activity.Start();
        var accepting = server.AcceptLoopAsync(
            (socket, ct) => new ControlConnection(socket, handler, hub, log).RunAsync(ct),
            stopping.Token);

        // Adopted orphans that exit are reaped at once, not when the session ends (see Descendants.ReapExited); one
        // sweep now for any that exited before the registration.
        Descendants.ReapExited(harnessPid);

        var status = await pty.Exited.WaitAsync(cancellationToken);
        log.Info($"harness exited: code {status.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, signal {status.SignalName ?? "none"}");

        // Descendants that ignore SIGHUP can keep the terminal open after the harness exits; take what they
        // already wrote and stop waiting for end of output after a bound.
        try
        {
            await pump.Completion.WaitAsync(s_drainAfterExit, cancellationToken);
        }
        catch (TimeoutException)
        {
            log.Warn("the terminal is still open after the harness exited; finishing the recording");
            pty.StopReading();
            await pump.Completion.WaitAsync(cancellationToken);
        }

        await recorder.Completion.WaitAsync(cancellationToken);
        activity.Stop();

        // Before the exit is recorded: once a session has ended, nothing it started may still run.
        await Descendants.EndAllAsync(pty.Pid, s_descendantGrace, log, cancellationToken);
        var exitSeq = recorder.AppendDurably([new NewEvent(EventKinds.Exit, ExitPayload(status))]);
        state.ExitCommitted(status, exitSeq);
        hub.PublishExited(ControlFrame.Exited(status.Code, status.SignalName, exitSeq));
        log.Info($"exit recorded at seq {exitSeq}; {pump.BytesRead} bytes read; cpu: {ThreadCpu.Describe()}");

        // Subscribers (the daemon) get a moment to read the exit notification and disconnect.
        try
        {
            await hub.WhenEmptyAsync(cancellationToken).WaitAsync(s_linger, cancellationToken);
        }
        catch (TimeoutException)
        {
            log.Info("subscribers still connected after the linger period");
        }

        await stopping.CancelAsync();
        await accepting;
        await server.DrainConnectionsAsync(TimeSpan.FromSeconds(2));
        server.Dispose();
        log.Info("lane done");
        return 0;
    }

    private static int Fail(LaneLog log, string reason, int errno)
    {
        log.Error("launch failed: " + reason);
        Handshake.Failed(reason, errno);
        return 1;
    }

    private static string ExitPayload(PtyExitStatus status)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            ControlFrame.WriteNullable(writer, "exitCode", status.Code);
            writer.WriteString("signal", status.SignalName);
            writer.WriteString("status", status.Succeeded ? "finished" : "failed");
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static Dictionary<string, string> InheritedEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                env[key] = value;
            }
        }

        return env;
    }

    /// <summary>
    /// The lane's own home pointer and the daemon's internals (COVEN_SWEEP_INTERVAL, COVEN_LANE_PATH, ...) are not the
    /// harness's business: no COVEN_* variable reaches it, whether the base is the caller's or the daemon's environment.
    /// </summary>
    private static Dictionary<string, string> WithoutCovenInternals(Dictionary<string, string> env)
    {
        foreach (var key in env.Keys.Where(static k => k.StartsWith("COVEN_", StringComparison.Ordinal)).ToList())
        {
            env.Remove(key);
        }

        return env;
    }

    /// <summary>SIGTERM/SIGINT stop the harness (TERM, then KILL after a grace) and let the lane finish normally; SIGHUP is ignored.</summary>
    private static Registrations RegisterShutdownSignals(PtyProcess pty, LaneLog log, CancellationToken stopping)
    {
        var started = 0;
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Exchange(ref started, 1) == 0)
            {
                log.Info($"{context.Signal} received: stopping the harness");
                _ = StopHarnessAsync(pty, log, stopping);
            }
        }

        var registrations = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true),
        };
        return new Registrations(registrations);
    }

    private static async Task StopHarnessAsync(PtyProcess pty, LaneLog log, CancellationToken cancellationToken)
    {
        try
        {
            await pty.KillAsync(s_shutdownGrace, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            log.Error("stopping the harness failed", ex);
        }
    }

    /// <summary>What the harness gets instead of the lane's own umask 077 and raised descriptor limit.</summary>
    private readonly record struct HarnessLimits(uint Umask, ulong FileLimit);

    private sealed class Registrations(PosixSignalRegistration[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
