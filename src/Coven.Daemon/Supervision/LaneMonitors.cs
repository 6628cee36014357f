using System.Collections.Concurrent;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Lanes;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Supervision;

/// <summary>
/// The daemon's view of live sessions: one <see cref="SessionMonitor"/> per verified lane, the loop that follows
/// each lane's notifications, and the exit and orphan transitions they lead to. Start-up reconciliation is
/// <see cref="Reconciler"/>, the periodic sweep <see cref="Sweeper"/>. Lanes outlive the daemon: stopping closes
/// connections and never signals a lane.
/// </summary>
internal sealed partial class LaneMonitors(
    CovenStore store,
    DaemonOptions options,
    SessionSignals signals,
    SessionLocks locks,
    LeftoverReaper reaper,
    TimeProvider time,
    ILogger<LaneMonitors> logger) : IAsyncDisposable
{
    /// <summary>How long a lane covend could not ask gets to record its harness's exit and leave after covend killed the harness.</summary>
    private static readonly TimeSpan s_directKillLaneExit = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<SessionId, SessionMonitor> _monitors = new();
    private readonly ConcurrentDictionary<SessionId, byte> _launching = new();
    private readonly ConcurrentDictionary<SessionId, Task<bool>> _attaching = new();
    private readonly ConcurrentDictionary<SessionId, Task> _settling = new();
    private readonly ConcurrentDictionary<SessionId, LaneRefusal> _refused = new();
    private readonly ConcurrentDictionary<SessionId, byte> _directKills = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _screenUnsupported;

    public bool Stopping => _stopping.IsCancellationRequested;

    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>False once a lane answered the <c>screen</c> op as unknown.</summary>
    public bool ScreenSupported => !_screenUnsupported && File.Exists(options.LanePath);

    public void MarkScreenUnsupported() => _screenUnsupported = true;

    public int MonitorCount => _monitors.Count;

    public void BeginLaunch(SessionId id) => _launching[id] = 0;

    public void EndLaunch(SessionId id) => _launching.TryRemove(id, out _);

    /// <summary>True while <see cref="Sessions.SessionService"/> is starting the lane of <paramref name="id"/>.</summary>
    public bool IsLaunching(SessionId id) => _launching.ContainsKey(id);

    /// <summary>The verified connection of a live session, or null (then the session is not verified live).</summary>
    /// <summary>The monitors whose lane connection is up (for health's <c>lanes</c>).</summary>
    public IReadOnlyList<SessionMonitor> Connected() => [.. _monitors.Values.Where(m => m.IsConnected)];

    public SessionMonitor? FindLive(SessionId id) => _monitors.TryGetValue(id, out var m) && m.IsConnected ? m : null;

    /// <summary>
    /// A launch answers once its session is live and connects the monitor afterwards (SessionService.LaunchAsync):
    /// <paramref name="followUp"/> is that attach and, when it fails, the exit or orphan transition that follows.
    /// </summary>
    public void TrackLaunchFollowUp(SessionId id, Task followUp)
    {
        _settling[id] = followUp;
        _ = followUp.ContinueWith(t => _settling.TryRemove(KeyValuePair.Create(id, t)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Waits until the follow-up of <paramref name="id"/>'s launch is done (tracked before the launch is answered), so
    /// a request right behind it (input, kill, screen) finds the monitor instead of an unverified session. Call it
    /// before taking the session lock (a failed attach applies the exit under that lock).
    /// </summary>
    public async Task AwaitLaunchAsync(SessionId id, CancellationToken cancellationToken)
    {
        if (_settling.TryGetValue(id, out var followUp))
        {
            await followUp.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits for the follow-ups of every launch answered so far (health reports settled lanes).</summary>
    public async Task AwaitLaunchesAsync(CancellationToken cancellationToken)
    {
        foreach (var followUp in _settling.Values)
        {
            await followUp.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Why the lane of live session <paramref name="id"/> is not driven (incompatible), or null.</summary>
    public LaneRefusal? RefusalOf(SessionId id) => _refused.TryGetValue(id, out var r) ? r : null;

    /// <summary>The live sessions whose lane was refused as incompatible (for health's <c>lanes</c>).</summary>
    public IReadOnlyList<KeyValuePair<SessionId, LaneRefusal>> Refused() => [.. _refused];

    /// <summary>
    /// Kills live session <paramref name="session"/> whose lane covend cannot ask: refused as incompatible
    /// (docs/daemon.md, "Upgrades"), or alive and not answering (stopped, stalled, wedged; docs/daemon.md, "Kill").
    /// covend sends <paramref name="signal"/> to the process group of <paramref name="harness"/> itself (matched by pid
    /// and start time), SIGKILLs what is left after <paramref name="grace"/>, and then ends the session from what the
    /// lane recorded as it ended (its exit event; with the caller's stored kill event, the end reason is
    /// <c>killed</c>), or orphans it and kills the lane if it did not end. The caller holds the session lock, has
    /// checked <see cref="DirectKillInProgress"/> and stored the kill event.
    /// </summary>
    public void KillDirectly(SessionRecord session, ProcessIdentity harness, int signal, TimeSpan grace)
    {
        if (!_directKills.TryAdd(session.Id, 0))
        {
            return;
        }

        ProcessReaper.SignalGroup(harness, signal);
        _ = Task.Run(async () =>
        {
            try
            {
                await EndDirectKillAsync(session, harness, grace, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or StoreException)
            {
                // Stopping, or the store refused: the sweep applies the exit the lane recorded.
                LogMonitorFailed(session.Id, e.Message);
            }
            finally
            {
                _directKills.TryRemove(session.Id, out _);
            }
        });
    }

    /// <summary>True while a <see cref="KillDirectly">direct kill</see> of the session runs (a second kill is told so).</summary>
    public bool DirectKillInProgress(SessionId id) => _directKills.ContainsKey(id);

    private async Task EndDirectKillAsync(SessionRecord session, ProcessIdentity harness, TimeSpan grace, CancellationToken cancellationToken)
    {
        // Neither process is covend's child (no exit notice to wait on): look every 50 ms, for a few seconds at most.
        var step = TimeSpan.FromMilliseconds(50);
        if (!await GoneWithinAsync(() => ProcessReaper.GroupAlive(harness), grace, step, cancellationToken))
        {
            ProcessReaper.KillGroup(harness);
        }

        // The lane records the harness's exit and leaves (after draining the terminal and ending the harness's
        // descendants, a few seconds at most); one that does not is orphaned and killed below.
        if (session.Lane is { } lane)
        {
            await GoneWithinAsync(lane.IsAlive, s_directKillLaneExit, step, cancellationToken);
        }

        await OrphanAsync(session.Id, "its lane did not end after covend killed the harness", cancellationToken);
    }

    private async Task<bool> GoneWithinAsync(Func<bool> alive, TimeSpan limit, TimeSpan step, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        while (alive())
        {
            if (time.GetElapsedTime(start) >= limit)
            {
                return false;
            }

            await Task.Delay(step, time, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Connects to the lane of <paramref name="session"/>, verifies its identity and subscribes. On success the
    /// monitor runs until the harness exits or the connection drops. At most one attach per session runs at a time
    /// (launch, sweep, reconciliation and a lost connection can all ask at once): a caller that finds one in flight
    /// waits for its answer instead of opening a second connection, so a session never has two monitors.
    /// </summary>
    public async Task<bool> AttachAsync(SessionRecord session, bool writeReattached, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (FindLive(session.Id) is not null)
            {
                return true;
            }

            var owned = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var inFlight = _attaching.GetOrAdd(session.Id, owned.Task);
            if (!ReferenceEquals(inFlight, owned.Task))
            {
                try
                {
                    return await inFlight.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The other attach was cancelled or failed: try again, perhaps as the owner.
                    continue;
                }
            }

            try
            {
                var attached = await ConnectAndRegisterAsync(session, writeReattached, cancellationToken);
                owned.SetResult(attached);
                return attached;
            }
            catch
            {
                // Waiters retry on their own; a cancelled task carries no exception to leave unobserved.
                owned.TrySetCanceled(CancellationToken.None);
                throw;
            }
            finally
            {
                _attaching.TryRemove(KeyValuePair.Create(session.Id, owned.Task));
            }
        }
    }

    private async Task<bool> ConnectAndRegisterAsync(SessionRecord session, bool writeReattached, CancellationToken cancellationToken)
    {
        // Re-checked as the owner: an attach that finished between the caller's check and ours registered it.
        if (FindLive(session.Id) is not null)
        {
            return true;
        }

        var client = await LaneClient.ConnectAsync(options.Paths.LaneSocket(session.Id), options.LaneConnectTimeout, cancellationToken);
        if (client is null)
        {
            return false;
        }

        try
        {
            var hello = await client.RequestAsync("hello", w => w.WriteString("sessionId", session.Id.Value), options.LaneConnectTimeout, cancellationToken);
            if (Incompatibility(hello, session.Lane) is { } refusal)
            {
                // Never killed, never orphaned: it runs the harness of a session that is still live, and the coven that
                // started it can drive it again (install it, 'coven daemon restart').
                if (!_refused.TryGetValue(session.Id, out var known) || known.Reason != refusal.Reason)
                {
                    LogLaneRefused(session.Id, session.Lane?.Pid ?? 0, refusal.Reason);
                }

                _refused[session.Id] = refusal;
                await client.DisposeAsync();
                return false;
            }

            if (!hello.Ok || ReadString(hello.Body, "sessionId") != session.Id.Value)
            {
                LogIdentityMismatch(session.Id, "hello");
                await client.DisposeAsync();
                return false;
            }

            var lanePid = ReadInt(hello.Body, "lanePid");
            var laneStart = ReadULong(hello.Body, "laneStartTime");
            var current = store.Sessions.Get(session.Id) ?? session;
            if (current.Lane is { } recorded && (recorded.Pid != lanePid || (laneStart is { } ls && ls != recorded.StartTime)))
            {
                LogIdentityMismatch(session.Id, $"lane pid {lanePid} start {laneStart} != recorded {recorded.Pid} start {recorded.StartTime}");
                await client.DisposeAsync();
                return false;
            }

            var subscribed = await client.RequestAsync("subscribe", null, options.LaneConnectTimeout, cancellationToken);
            if (!subscribed.Ok)
            {
                await client.DisposeAsync();
                return false;
            }

            ProcessIdentity? identity = current.Lane ?? (lanePid is { } p && laneStart is { } s ? new ProcessIdentity(p, s) : null);
            var monitor = new SessionMonitor(session.Id, client, identity)
            {
                LaneVersion = ReadString(hello.Body, "version"),
                LaneProtocol = ReadInt(hello.Body, "protocol"),
            };
            if (store.Events.Latest(session.Id, EventKinds.Kill) is not null)
            {
                monitor.TryMarkKillRequested();
            }

            _monitors[session.Id] = monitor;
            _refused.TryRemove(session.Id, out _);
            if (writeReattached && lanePid is { } pid)
            {
                store.Events.Append(session.Id, EventKinds.Reattached, JsonSerializer.Serialize(new ReattachedPayload(pid), CovenJsonContext.Default.ReattachedPayload));
                signals.Pulse(session.Id);
                LogReattached(session.Id, pid);
            }
            else
            {
                LogAttached(session.Id, lanePid ?? 0);
            }

            _ = RunMonitorAsync(monitor);

            // The harness may have exited before the subscription: the exit event is then already stored.
            if (store.Events.Latest(session.Id, EventKinds.Exit) is not null)
            {
                await ApplyExitAsync(session.Id, cancellationToken);
            }

            return true;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Applies the lane's stored exit event as <c>Exited</c>; false when there is none yet.</summary>
    public async Task<bool> ApplyExitAsync(SessionId id, CancellationToken cancellationToken)
    {
        using var _ = await locks.AcquireAsync(id, cancellationToken);
        var exitEvent = store.Events.Latest(id, EventKinds.Exit);
        if (exitEvent is null)
        {
            return false;
        }

        var session = store.Sessions.Get(id);
        if (session is null || session.Status != SessionStatus.Live)
        {
            DropMonitor(id);
            return true;
        }

        var exit = ParseExit(exitEvent.PayloadJson);
        var killed = (_monitors.TryGetValue(id, out var m) && m.KillRequested) || store.Events.Latest(id, EventKinds.Kill) is not null;
        var reason = killed ? EndReason.Killed : exit.Signal is not null ? EndReason.Signaled : EndReason.Exited;
        var result = store.Sessions.TryTransition(id, SessionTrigger.Exited, new TransitionChanges
        {
            Exit = exit,
            EndReason = reason,
            Reason = killed ? "killed on request" : "harness exited",
        });
        DropMonitor(id);
        signals.Pulse(id);
        LogExited(id, exit.Code, exit.SignalName, result.Session is { } s ? WireNames.Of(s.Status) : "?");
        return true;
    }

    /// <summary>Marks a live session orphaned (its lane is gone) and kills whatever is left of its processes.</summary>
    public async Task OrphanAsync(SessionId id, string reason, CancellationToken cancellationToken)
    {
        SessionRecord? session;
        using (await locks.AcquireAsync(id, cancellationToken))
        {
            // The lane may have written the exit event just before it died: prefer the real ending.
            if (store.Events.Latest(id, EventKinds.Exit) is not null)
            {
                session = null;
            }
            else
            {
                var result = store.Sessions.TryTransition(id, SessionTrigger.Orphan, new TransitionChanges
                {
                    EndReason = EndReason.LaneLost,
                    Message = reason,
                    Reason = reason,
                });
                session = result.Session;
                DropMonitor(id);
                signals.Pulse(id);
                if (result.Applied)
                {
                    LogOrphaned(id, reason);
                }
            }
        }

        if (session is null)
        {
            await ApplyExitAsync(id, cancellationToken);
            session = store.Sessions.Get(id);
        }

        if (session is not null)
        {
            reaper.KillLeftovers(session);
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (_, monitor) in _monitors)
        {
            await monitor.Client.DisposeAsync();
        }

        _monitors.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task RunMonitorAsync(SessionMonitor monitor)
    {
        try
        {
            await foreach (var note in monitor.Client.Notifications.ReadAllAsync(_stopping.Token))
            {
                signals.Pulse(monitor.Id);
                if (note.Event == "exited")
                {
                    if (!await ApplyExitAsync(monitor.Id, _stopping.Token))
                    {
                        LogMonitorFailed(monitor.Id, "exited notification without an exit event");
                    }

                    return;
                }
            }

            if (!_stopping.IsCancellationRequested && _monitors.TryGetValue(monitor.Id, out var current) && ReferenceEquals(current, monitor))
            {
                await LaneGoneAsync(monitor, "the lane connection closed", _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogMonitorCrashed(monitor.Id, e);
        }
    }

    /// <summary>The monitor's connection dropped: exit recorded → apply it; lane dead → orphan; lane alive → re-attach.</summary>
    public async Task LaneGoneAsync(SessionMonitor monitor, string why, CancellationToken cancellationToken)
    {
        // Only this monitor: one attached meanwhile (by the sweep, say) is not lost.
        var id = monitor.Id;
        DropMonitor(monitor);
        LogMonitorLost(id, why);
        if (await ApplyExitAsync(id, cancellationToken))
        {
            return;
        }

        var session = store.Sessions.Get(id);
        if (session is not { Status: SessionStatus.Live })
        {
            return;
        }

        if (session.Lane is { } lane && lane.IsAlive())
        {
            if (await AttachAsync(session, writeReattached: false, cancellationToken))
            {
                return;
            }

            // The lane may be writing its exit event right now and then leave.
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            if (await ApplyExitAsync(id, cancellationToken) || lane.IsAlive())
            {
                return;
            }
        }

        await OrphanAsync(id, why == "the lane connection closed" ? "the lane died" : why, cancellationToken);
    }

    private void DropMonitor(SessionId id)
    {
        _refused.TryRemove(id, out _);
        if (_monitors.TryRemove(id, out var monitor))
        {
            _ = monitor.Client.DisposeAsync().AsTask();
        }
    }

    private void DropMonitor(SessionMonitor monitor)
    {
        _monitors.TryRemove(KeyValuePair.Create(monitor.Id, monitor));
        _ = monitor.Client.DisposeAsync().AsTask();
    }

    /// <summary>
    /// A lane covend must not drive: one that refuses this covend's lane protocol (its <c>unsupported_version</c>
    /// error names its own protocol and version; lanes before those fields only say it in the message), or one whose
    /// <c>schemaMax</c> is below the schema lanes must write in this store (<see cref="CovenStore.LaneSchemaNeeded"/>).
    /// </summary>
    internal static LaneRefusal? Incompatibility(LaneReply hello, ProcessIdentity? lane)
    {
        if (!hello.Ok && hello.ErrorCode == "unsupported_version")
        {
            var error = hello.Body.ValueKind == JsonValueKind.Object && hello.Body.TryGetProperty("error", out var e) ? e : default;
            var protocol = ReadInt(error, "protocol") ?? ProtocolInMessage(hello.ErrorMessage);
            var version = ReadString(error, "version");
            var speaks = protocol is { } p ? $"lane protocol {p}" : $"another lane protocol ({hello.ErrorMessage})";
            return new LaneRefusal(
                $"its coven-lane{(version is null ? string.Empty : " " + version)} speaks {speaks}; this covend {ProductVersion.Number} speaks lane protocol {LaneFrame.ProtocolVersion}",
                protocol,
                version,
                lane);
        }

        if (hello.Ok && ReadInt(hello.Body, "schemaMax") is { } max && max < CovenStore.LaneSchemaNeeded)
        {
            var version = ReadString(hello.Body, "version");
            return new LaneRefusal(
                $"its coven-lane{(version is null ? string.Empty : " " + version)} writes store schema up to v{max}; this covend {ProductVersion.Number} needs lanes that write v{CovenStore.LaneSchemaNeeded} or later",
                ReadInt(hello.Body, "protocol"),
                version,
                lane);
        }

        return null;
    }

    /// <summary>"this lane speaks protocol N" (the lane's message since protocol 1) → N.</summary>
    private static int? ProtocolInMessage(string? message)
    {
        const string marker = "speaks protocol ";
        var at = message?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var rest = message.AsSpan(at + marker.Length);
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        return int.TryParse(rest[..digits], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    internal static ExitStatus ParseExit(string payloadJson)
    {
        try
        {
            var payload = JsonSerializer.Deserialize(payloadJson, CovenJsonContext.Default.ExitPayload);
            int? signal = payload?.Signal is { } name && Signals.TryParse(name, out var n) ? n : null;
            return new ExitStatus(signal is null ? payload?.ExitCode : null, signal);
        }
        catch (JsonException)
        {
            return new ExitStatus(null, null);
        }
    }

    private static string? ReadString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? ReadInt(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) ? n : null;

    private static ulong? ReadULong(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var n) ? n : null;
}
