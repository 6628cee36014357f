using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using Coven.Core;
using Coven.Lane.Control;
using Coven.Interop;
using Coven.Lane.Output;
using Coven.Pty;
using Coven.Store;

namespace Coven.Lane;

/// <summary>
/// One lane's life: detach, read the launch spec, bind the control socket, spawn the harness in a PTY, hand the
/// daemon one handshake line, record output until the harness exits, record the exit, linger briefly for
/// subscribers, clean up.
/// </summary>
internal static class LaneHost
{
    private static readonly TimeSpan s_drainAfterExit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_descendantGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_linger = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_shutdownGrace = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
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

        var session = arguments!.Session;
        var paths = arguments.Paths;
        using var log = LaneLog.Open(paths.LaneLog(session));
        log.Info($"lane {Environment.ProcessId} starting for session {session}");
        if (!Descendants.BecomeSubreaper())
        {
            log.Warn("PR_SET_CHILD_SUBREAPER refused: processes that leave the harness's group may outlive the session");
        }
        try
        {
            return await RunSessionAsync(session, paths, log, cancellationToken);
        }
        catch (Exception ex)
        {
            log.Error("the lane failed", ex);
            Handshake.Failed("the lane failed: " + ex.Message, 0);
            return 1;
        }
    }

    private static async Task<int> RunSessionAsync(SessionId session, CovenPaths paths, LaneLog log, CancellationToken cancellationToken)
    {
        using var store = new CovenStore(paths.Database);
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

        var environment = spec.BuildEnvironment(InheritedEnvironment());
        var executable = Path.IsPathFullyQualified(spec.Executable)
            ? spec.Executable
            : PtyProcess.ResolveExecutable(spec.Executable, environment.GetValueOrDefault("PATH")) ?? spec.Executable;
        var start = PtyProcess.Start(new PtyStartOptions(executable, spec.Arguments, spec.WorkingDirectory, environment, spec.Columns, spec.Rows));
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

        log.Info($"harness {pty.Pid} started: {executable} ({spec.Columns}x{spec.Rows})");

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var state = new LaneState(session, laneIdentity, harnessIdentity, store.Events.LastSeq(session));
        var hub = new NotificationHub();
        var terminal = new TerminalState(spec.Columns, spec.Rows, ProductVersion.Number);
        using var input = new InputWriter(pty, log);
        using var recorder = new EventRecorder(store, state, hub, log);
        using var activity = new ActivityMonitor(store, state, hub, terminal, spec.Activity, log);
        var pump = new OutputPump(pty, terminal, input, recorder, activity, log);
        var handler = new ControlRequestHandler(state, pty, terminal, input, hub, log, stopping.Token);
        recorder.Start();
        pump.Start();
        activity.Start();
        var accepting = server.AcceptLoopAsync(
            (socket, ct) => new ControlConnection(socket, handler, hub, log).RunAsync(ct),
            stopping.Token);

        using var signals = RegisterShutdownSignals(pty, log, stopping.Token);

        // Adopted orphans that exit are reaped at once, not when the session ends (see Descendants.ReapExited); one
        // sweep now for any that exited before the registration.
        var harnessPid = pty.Pid;
        using var reaper = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => Descendants.ReapExited(harnessPid));
        Descendants.ReapExited(harnessPid);

        Handshake.Succeeded(Environment.ProcessId, pty.Pid);
        Handshake.DetachStandardStreams(log);

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

        // The lane's own home pointer is not the harness's business.
        env.Remove("COVEN_HOME");
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
