using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Lanes;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Every session operation of the API, validated against the authority checks of docs/session-lifecycle.md before anything is
/// spawned or signalled. Handlers return an <see cref="ApiResult"/> so the direct routes and the control plane share
/// status codes and bodies.
/// </summary>
internal sealed partial class SessionService(
    CovenStore store,
    DaemonOptions options,
    LaneMonitors monitors,
    Reconciler reconciler,
    LeftoverReaper reaper,
    LaneLauncher launcher,
    SessionLocks locks,
    SessionSignals signals,
    TimeProvider time,
    ILogger<SessionService> logger,
    Interaction.SubmitService submitter,
    Worktrees.WorktreeService worktrees,
    DeferredEvents deferred)
{
    private static readonly TimeSpan s_laneRequestTimeout = TimeSpan.FromSeconds(5);

    public Task<ApiResult> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) => LaunchAsync(request, null, cancellationToken);

    /// <summary>
    /// A launch; with <paramref name="resume"/>, argv is the harness's resume arguments (see ResumeService).
    /// <see cref="LaunchPlanner"/> decides what to launch; this writes the row, starts the lane and attaches the monitor.
    /// </summary>
    public async Task<ApiResult> LaunchAsync(LaunchRequest request, LaunchOverrides? resume, CancellationToken cancellationToken)
    {
        if (LaunchPlanner.Validate(request) is { } invalid)
        {
            return invalid.ToApiResult();
        }

        if (monitors.Stopping)
        {
            return ApiErrors.Unavailable("covend is shutting down; no new sessions.");
        }

        HarnessRegistry registry;
        try
        {
            registry = HarnessRegistry.Load(options.Paths.HarnessConfig);
        }
        catch (HarnessConfigException e)
        {
            return LaunchPlanError.HarnessConfigInvalid(e.Message).ToApiResult();
        }

        if (!LaunchPlanner.TryPlan(request, resume, registry, store.Familiars, Environment.GetEnvironmentVariable("PATH"), out var plan, out var refused, options.LanePath))
        {
            return refused.ToApiResult();
        }

        var newId = SessionId.New();
        (plan, var worktreeRefused) = await PrepareWorktreeAsync(newId, request, resume, plan, cancellationToken);
        if (worktreeRefused is not null)
        {
            return worktreeRefused;
        }

        var created = store.Sessions.Create(plan.ToRecord(newId, time.GetUtcNow()), plan.Spec);
        var id = created.Id;
        signals.Pulse(id);

        LaneStartResult started;
        monitors.BeginLaunch(id);
        try
        {
            // Not the request's token: a client that hangs up must not leave a half-started lane behind.
            started = await launcher.StartAsync(id, plan.CallerEnvironment, CancellationToken.None);
        }
        finally
        {
            monitors.EndLaunch(id);
        }

        if (started.Outcome != LaneStartOutcome.Started)
        {
            started = ExplainVanishedDirectory(started, plan);
            var trigger = started.Outcome == LaneStartOutcome.SpawnFailed ? SessionTrigger.SpawnFailed : SessionTrigger.LaunchLost;
            using (await locks.AcquireAsync(id, CancellationToken.None))
            {
                store.Sessions.TryTransition(id, trigger, new TransitionChanges
                {
                    EndReason = trigger == SessionTrigger.SpawnFailed ? EndReason.SpawnFailed : EndReason.LaunchLost,
                    Message = started.Reason,
                    Reason = started.Reason,
                });
            }

            signals.Pulse(id);
            if (store.Sessions.Get(id) is { } failed)
            {
                reaper.KillLeftovers(failed);
            }

            LogLaunchFailed(id, started.Reason ?? "unknown");
            var details = new Dictionary<string, object?> { ["sessionId"] = id.Value, ["reason"] = started.Reason };
            if (started.Errno is { } errno)
            {
                details["errno"] = errno;
            }

            return ApiResult.Error(500, ErrorCodes.LaunchFailed, "the harness could not be started: " + started.Reason, details);
        }

        TransitionResult result;
        using (await locks.AcquireAsync(id, CancellationToken.None))
        {
            result = store.Sessions.TryTransition(id, SessionTrigger.Started, new TransitionChanges { Reason = $"lane {started.LanePid} started harness {started.HarnessPid}", Cwd = started.Cwd });
        }

        signals.Pulse(id);
        if (!result.Applied)
        {
            // Killed while the lane was starting: the kill already ended the session, so stop what the lane started.
            if (store.Sessions.Get(id) is { } ended)
            {
                reaper.KillLeftovers(ended);
                LogLateStartKilled(id);
                return ApiResult.Json(201, SessionDto.From(ended), CovenJsonContext.Default.SessionDto);
            }

            return ApiErrors.SessionNotFound(id.Value);
        }

        LogLaunched(id, plan.Harness.Id, started.LanePid, started.HarnessPid);
        var live = result.Session!;

        // The session is live once the lane has started the harness and the store says so: the answer goes out now,
        // and the monitor's connection (two round trips to the lane) is made after it. The follow-up is tracked before
        // this returns, so a request that needs the monitor (input, kill, screen) or health's lane list waits for it
        // (LaneMonitors.AwaitLaunchAsync) instead of finding the session unverified.
        monitors.TrackLaunchFollowUp(id, FollowLaunchAsync(live));
        return ApiResult.Json(201, worktrees.WithWorktree(SessionDto.From(live)), CovenJsonContext.Default.SessionDto);
    }

    /// <summary>
    /// Attaches the monitor of a session just launched. When that fails, the session is settled by the rule every live
    /// session without a monitor follows (<see cref="Reconciler.SettleUnattachedAsync"/>): its exit applied, or a lane
    /// that is alive but slow to answer (a stalled machine) left for the sweep to attach, or a lost lane orphaned. Only a
    /// lane refused as incompatible is orphaned at once: covend started it and can never drive it.
    /// </summary>
    private async Task FollowLaunchAsync(SessionRecord live)
    {
        var id = live.Id;
        try
        {
            if (await monitors.AttachAsync(live, writeReattached: false, CancellationToken.None))
            {
                return;
            }

            if (monitors.RefusalOf(id) is { } refusal)
            {
                // A lane of another protocol (COVEN_LANE_PATH pointing at another build) is of no use to a new session.
                if (!await monitors.ApplyExitAsync(id, CancellationToken.None))
                {
                    await monitors.OrphanAsync(id, $"covend cannot drive the lane it started ({options.LanePath}): {refusal.Reason}", CancellationToken.None);
                }

                return;
            }

            await reconciler.SettleUnattachedAsync(live, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The sweep retries the attach (a live session without a monitor) or orphans the session.
            LogLaunchAttachFailed(id, e.Message);
        }
        finally
        {
            launcher.PrepareSpare();
        }
    }

    public ApiResult Get(string? rawId)
    {
        if (!SessionId.TryParse(rawId, out var id) || store.Sessions.Get(id) is not { } session)
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        return ApiResult.Ok(worktrees.WithWorktree(SessionDto.From(session)), CovenJsonContext.Default.SessionDto);
    }

    public async Task<ApiResult> InputAsync(string? rawId, InputRequest request, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(rawId, out var id) || store.Sessions.Get(id) is not { } session)
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        await monitors.AwaitLaunchAsync(id, cancellationToken);
        if (request.Submit == true)
        {
            return await submitter.SubmitAsync(id, request, cancellationToken);
        }

        byte[] bytes;
        if (request.Data is not null && request.DataBase64 is not null)
        {
            return ApiErrors.InvalidRequest("send either data or dataBase64, not both.");
        }

        if (request.Data is { } text)
        {
            bytes = Encoding.UTF8.GetBytes(text);
        }
        else if (request.DataBase64 is { } b64)
        {
            try
            {
                bytes = Convert.FromBase64String(b64);
            }
            catch (FormatException)
            {
                return ApiErrors.InvalidRequest("dataBase64 is not valid base64.");
            }
        }
        else
        {
            return ApiErrors.InvalidRequest("data (or dataBase64) is required.");
        }

        if (bytes.Length == 0)
        {
            return ApiErrors.InvalidRequest("data must not be empty.");
        }

        if (bytes.Length > options.MaxInputBytes)
        {
            return ApiErrors.PayloadTooLarge($"input is {bytes.Length} bytes; at most {options.MaxInputBytes} bytes per request.");
        }

        // Under the session lock, so the input event is committed before an exit it causes is applied.
        using var _ = await locks.AcquireAsync(id, cancellationToken);
        if (VerifyLive(store.Sessions.Get(id) ?? session, SessionTrigger.Input, out var monitor) is { } refused)
        {
            return refused;
        }

        var reply = await monitor!.Client.RequestAsync(
            "input",
            w =>
            {
                if (request.Data is not null)
                {
                    w.WriteString("data", request.Data);
                }
                else
                {
                    w.WriteString("dataBase64", request.DataBase64);
                }
            },
            s_laneRequestTimeout,
            cancellationToken);
        if (!reply.Ok)
        {
            return ApiErrors.LaneRefused(session, reply);
        }

        // The harness has the bytes: whatever the store says now, the answer must say they were delivered.
        if (deferred.Record(id, EventKinds.Input, InputPayload(request)) is { StoreError: { } storeError } outcome)
        {
            return ApiResult.Json(202, new InputAcceptedResponse(true, Delivered: true, Recorded: false, storeError, outcome.Spilled), CovenJsonContext.Default.InputAcceptedResponse);
        }

        signals.Pulse(id);
        return ApiResult.Json(202, new AcceptedResponse(true), CovenJsonContext.Default.AcceptedResponse);
    }

    public async Task<ApiResult> ResizeAsync(string? rawId, ResizeRequest request, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(rawId, out var id) || store.Sessions.Get(id) is not { } session)
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        if (request.Cols is not { } cols || request.Rows is not { } rows)
        {
            return ApiErrors.InvalidRequest("cols and rows are required.");
        }

        if (cols is < 2 or > 1000 || rows is < 2 or > 1000)
        {
            return ApiErrors.InvalidRequest("cols and rows must be between 2 and 1000.");
        }

        await monitors.AwaitLaunchAsync(id, cancellationToken);
        using var _ = await locks.AcquireAsync(id, cancellationToken);
        if (VerifyLive(store.Sessions.Get(id) ?? session, SessionTrigger.Resize, out var monitor) is { } refused)
        {
            return refused;
        }

        var reply = await monitor!.Client.RequestAsync(
            "resize",
            w =>
            {
                w.WriteNumber("cols", cols);
                w.WriteNumber("rows", rows);
            },
            s_laneRequestTimeout,
            cancellationToken);
        if (!reply.Ok)
        {
            return ApiErrors.LaneRefused(session, reply);
        }

        store.Sessions.RecordSize(id, cols, rows);
        store.Events.Append(id, EventKinds.Resize, JsonSerializer.Serialize(new ResizePayload(cols, rows), CovenJsonContext.Default.ResizePayload));
        signals.Pulse(id);
        return ApiResult.Json(202, new AcceptedResponse(true), CovenJsonContext.Default.AcceptedResponse);
    }

    public async Task<ApiResult> KillAsync(string? rawId, KillRequest request, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(rawId, out var id))
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        var signal = Signals.SIGTERM;
        if (request.Signal is { } name && (!Signals.TryParse(name, out signal) || signal is Signals.SIGSTOP or Signals.SIGCONT))
        {
            return ApiErrors.InvalidRequest($"signal '{ApiErrors.Printable(name)}' is not a signal that can end a session (use TERM, INT, HUP, KILL, ...).");
        }

        var signalName = Signals.Name(signal);
        var grace = request.GraceMs ?? 3000;
        if (grace is < 0 or > 600_000)
        {
            return ApiErrors.InvalidRequest("graceMs must be between 0 and 600000.");
        }

        await monitors.AwaitLaunchAsync(id, cancellationToken);
        using var _ = await locks.AcquireAsync(id, cancellationToken);
        if (store.Sessions.Get(id) is not { } session)
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        if (session.Status == SessionStatus.Pending)
        {
            var cancelled = store.Sessions.TryTransition(id, SessionTrigger.Kill, new TransitionChanges
            {
                EndReason = EndReason.Killed,
                Message = "killed before the harness started",
                Reason = "kill requested",
            });
            signals.Pulse(id);
            if (!cancelled.Applied)
            {
                return cancelled.Session is { } s ? ApiErrors.InvalidTransition(s, SessionActions.Kill) : ApiErrors.SessionNotFound(rawId);
            }

            reaper.KillLeftovers(cancelled.Session!);
            LogKillRequested(id, signalName);
            return ApiResult.Json(202, new AcceptedResponse(true), CovenJsonContext.Default.AcceptedResponse);
        }

        var decision = SessionLifecycle.Decide(session.Status, SessionTrigger.Kill, session.ArchivedFrom);
        if (!decision.Permitted)
        {
            return ApiErrors.InvalidTransition(session, SessionActions.Kill);
        }

        var monitor = monitors.FindLive(id);
        if (monitor is null && session.HarnessProcess is { } harness
            && (monitors.RefusalOf(id) is not null || (session.Lane is { } lane && lane.IsAlive())))
        {
            // A lane covend cannot ask (refused as incompatible, or alive and not answering): covend signals the
            // harness itself (docs/daemon.md, "Upgrades" and "Kill").
            if (monitors.DirectKillInProgress(id))
            {
                return KillInProgress(session);
            }

            RecordKill(id, signalName, grace);
            monitors.KillDirectly(session, harness, signal, TimeSpan.FromMilliseconds(grace));
            LogKillRequested(id, signalName);
            return ApiResult.Json(202, new AcceptedResponse(true), CovenJsonContext.Default.AcceptedResponse);
        }

        if (monitor is null)
        {
            return ApiErrors.NotVerified(session, monitors.RefusalOf(id), "the session's lane is not verified live; nothing was signalled.");
        }

        if (!monitor.TryMarkKillRequested())
        {
            return KillInProgress(session);
        }

        try
        {
            RecordKill(id, signalName, grace);
        }
        catch
        {
            // Nothing was recorded or signalled (the store is locked or full): a later kill must be able to try again.
            monitor.ClearKillRequested();
            throw;
        }

        var reply = await monitor.Client.RequestAsync(
            "kill",
            w =>
            {
                w.WriteString("signal", Signals.Name(signal)[3..]);
                w.WriteNumber("graceMs", grace);
            },
            s_laneRequestTimeout,
            cancellationToken);
        if (!reply.Ok)
        {
            // A lane that got the kill but did not answer may still signal: the kill stays in progress (the exit is
            // then recorded as killed). Only a kill that never reached the lane may be tried again.
            if (!(reply.Unavailable && reply.Sent))
            {
                monitor.ClearKillRequested();
            }

            return ApiErrors.LaneRefused(session, reply);
        }

        LogKillRequested(id, signalName);
        return ApiResult.Json(202, new AcceptedResponse(true), CovenJsonContext.Default.AcceptedResponse);
    }

    private static ApiResult KillInProgress(SessionRecord session) =>
        ApiErrors.InvalidTransition(session, SessionActions.Kill, "a kill is already in progress for this session.");

    /// <summary>The <c>kill</c> event, before anything is signalled (so the exit that follows is recorded as killed).</summary>
    private void RecordKill(SessionId id, string signalName, int grace)
    {
        store.Events.Append(id, EventKinds.Kill, JsonSerializer.Serialize(new KillPayload(signalName, grace), CovenJsonContext.Default.KillPayload));
        signals.Pulse(id);
    }

    public Task<ApiResult> ArchiveAsync(string? rawId, CancellationToken cancellationToken) =>
        TransitionAsync(rawId, SessionTrigger.Archive, SessionActions.Archive, cancellationToken);

    public Task<ApiResult> SummonAsync(string? rawId, CancellationToken cancellationToken) =>
        TransitionAsync(rawId, SessionTrigger.Summon, SessionActions.Summon, cancellationToken);

    public async Task<ApiResult> SacrificeAsync(string? rawId, SacrificeRequest request, CancellationToken cancellationToken)
    {
        if (request.Confirm != true)
        {
            return ApiErrors.InvalidRequest("sacrifice deletes the session and its events permanently; send {\"confirm\": true}.");
        }

        if (!SessionId.TryParse(rawId, out var id))
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        var result = await FireAsync(id, SessionTrigger.Sacrifice, "sacrificed", cancellationToken);
        if (result.Outcome == TransitionOutcome.Applied)
        {
            await RemoveWorktreeAsync(id, request, CancellationToken.None);
        }

        return result.Outcome switch
        {
            TransitionOutcome.Applied => ApiResult.Ok(new SacrificeResponse(id.Value, result.EventsDeleted), CovenJsonContext.Default.SacrificeResponse),
            TransitionOutcome.NotFound => ApiErrors.SessionNotFound(rawId),
            _ => result.Session is { } s ? ApiErrors.InvalidTransition(s, SessionActions.Sacrifice) : ApiErrors.SessionNotFound(rawId),
        };
    }

    /// <summary>Fires a ritual trigger (archive, summon, sacrifice) under the session lock; used by rituals too.</summary>
    public async Task<TransitionResult> FireAsync(SessionId id, SessionTrigger trigger, string reason, CancellationToken cancellationToken)
    {
        TransitionResult result;
        using (await locks.AcquireAsync(id, cancellationToken))
        {
            result = store.Sessions.TryTransition(id, trigger, new TransitionChanges { Reason = reason });
        }

        if (result.Outcome == TransitionOutcome.Conflict)
        {
            LogConflict(id, trigger);
        }

        if (trigger == SessionTrigger.Sacrifice && result.Outcome == TransitionOutcome.Applied)
        {
            // Nothing of a sacrificed session stays behind, its lane's log included.
            LaneLogs.TryRemove(options.Paths.LaneLog(id));
        }

        signals.Pulse(id);
        return result;
    }

    private async Task<ApiResult> TransitionAsync(string? rawId, SessionTrigger trigger, string action, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(rawId, out var id))
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        var result = await FireAsync(id, trigger, action, cancellationToken);
        return result.Outcome switch
        {
            TransitionOutcome.Applied => ApiResult.Ok(SessionDto.From(result.Session!), CovenJsonContext.Default.SessionDto),
            TransitionOutcome.NotFound => ApiErrors.SessionNotFound(rawId),
            _ => result.Session is { } s ? ApiErrors.InvalidTransition(s, action) : ApiErrors.SessionNotFound(rawId),
        };
    }

    private ApiResult? VerifyLive(SessionRecord session, SessionTrigger trigger, out SessionMonitor? monitor)
    {
        monitor = null;
        var decision = SessionLifecycle.Decide(session.Status, trigger, session.ArchivedFrom);
        if (!decision.Permitted)
        {
            return ApiErrors.NotLive(session, $"the session is {WireNames.Of(session.Status)}, not live.");
        }

        monitor = monitors.FindLive(session.Id);
        return monitor is null ? ApiErrors.NotVerified(session, monitors.RefusalOf(session.Id), "the session's lane is not verified live.") : null;
    }

    /// <summary>
    /// A spawn that failed with ENOENT while the executable is still there failed on the working directory: it was
    /// checked when the launch was planned and removed before the harness could start in it. Said so, instead of
    /// "could not start '&lt;harness&gt;': No such file or directory".
    /// </summary>
    private static LaneStartResult ExplainVanishedDirectory(LaneStartResult started, LaunchPlan plan)
    {
        const int enoent = 2;
        if (started.Outcome != LaneStartOutcome.SpawnFailed)
        {
            return started;
        }

        // execve's other ENOENT causes: the file itself, or the interpreter of its #! line, is missing.
        var directoryGone = !Directory.Exists(plan.WorkingDirectory);
        var onlyTheDirectoryCanBeMissing = started.Errno == enoent && File.Exists(plan.Spec.Executable) && !InterpreterMissing(plan.Spec.Executable);
        if (!directoryGone && !onlyTheDirectoryCanBeMissing)
        {
            return started;
        }

        return started with
        {
            Reason = $"the working directory '{plan.WorkingDirectory}' vanished before the harness could start in it (it existed when the launch was checked)",
            Errno = started.Errno ?? enoent,
        };
    }

    /// <summary>True when <paramref name="executable"/> starts with a <c>#!</c> line whose interpreter does not exist.</summary>
    private static bool InterpreterMissing(string executable)
    {
        try
        {
            using var file = File.OpenRead(executable);
            Span<byte> head = stackalloc byte[256];
            var n = file.Read(head);
            if (n < 2 || head[0] != (byte)'#' || head[1] != (byte)'!')
            {
                return false;
            }

            var line = Encoding.UTF8.GetString(head[2..n]).Split('\n')[0].Trim();
            var interpreter = line.Split((char[])[' ', '\t'], 2)[0];
            return interpreter.Length > 0 && !File.Exists(interpreter);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary><c>{"data": ...}</c> or <c>{"dataBase64": ...}</c>: only the field that was sent.</summary>
    private static string InputPayload(InputRequest request)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (request.Data is not null)
            {
                w.WriteString("data", request.Data);
            }
            else
            {
                w.WriteString("dataBase64", request.DataBase64);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
