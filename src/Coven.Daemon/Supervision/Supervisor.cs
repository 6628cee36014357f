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
/// Owns the daemon's view of live sessions: one <see cref="SessionMonitor"/> per verified lane, the exit and
/// orphan transitions, start-up reconciliation and the periodic liveness sweep. Lanes outlive the daemon: stopping
/// the supervisor closes connections and never signals a lane.
/// </summary>
internal sealed partial class Supervisor(
    CovenStore store,
    DaemonOptions options,
    SessionSignals signals,
    SessionLocks locks,
    TimeProvider time,
    ILogger<Supervisor> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SessionId, SessionMonitor> _monitors = new();
    private readonly ConcurrentDictionary<SessionId, byte> _launching = new();
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

    /// <summary>The verified connection of a live session, or null (then the session is not verified live).</summary>
    public SessionMonitor? FindLive(SessionId id) => _monitors.TryGetValue(id, out var m) && m.IsConnected ? m : null;

    /// <summary>
    /// Connects to the lane of <paramref name="session"/>, verifies its identity and subscribes. On success the
    /// monitor runs until the harness exits or the connection drops.
    /// </summary>
    public async Task<bool> AttachAsync(SessionRecord session, bool writeReattached, CancellationToken cancellationToken)
    {
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
            var monitor = new SessionMonitor(session.Id, client, identity);
            if (store.Events.Latest(session.Id, EventKinds.Kill) is not null)
            {
                monitor.TryMarkKillRequested();
            }

            _monitors[session.Id] = monitor;
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
            KillLeftovers(session);
        }
    }

    /// <summary>SIGKILLs the lane's and the harness's process groups, matched by pid and start time.</summary>
    public void KillLeftovers(SessionRecord session)
    {
        foreach (var identity in new[] { session.HarnessProcess, session.Lane })
        {
            if (identity is { } p && ProcessReaper.KillGroup(p))
            {
                LogLeftoverKilled(session.Id, p.Pid);
            }
        }
    }

    /// <summary>
    /// Start-up reconciliation: re-attach every live session whose lane proves its identity, apply exits that
    /// happened while no daemon ran, orphan the rest; resolve pending sessions left by a previous daemon.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var live = ListAll(SessionStatus.Live);
        LogReconciling(live.Count);
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (session, ct) =>
        {
            await CheckLiveAsync(session, writeReattached: true, ct);
        });

        var pending = ListAll(SessionStatus.Pending);
        foreach (var session in pending)
        {
            await ResolvePendingAsync(session, cancellationToken);
        }

        LogReconciled(live.Count, pending.Count, _monitors.Count);
    }

    /// <summary>The periodic sweep: liveness of live lanes, leftovers of orphaned sessions, stale lane sockets, lost launches.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var session in ListAll(SessionStatus.Live))
        {
            try
            {
                if (FindLive(session.Id) is { } monitor)
                {
                    if (monitor.Lane is { } lane && !lane.IsAlive())
                    {
                        await LaneGoneAsync(session.Id, "the lane process is gone", cancellationToken);
                    }

                    continue;
                }

                await CheckLiveAsync(session, writeReattached: false, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(session.Id.Value, e);
            }
        }

        // Leftovers appear when a session is orphaned; a day of retries is plenty, and keeps the /proc scans bounded.
        var recent = time.GetUtcNow() - TimeSpan.FromDays(1);
        foreach (var session in ListAll(SessionStatus.Orphaned))
        {
            if (session.UpdatedAt > recent)
            {
                KillLeftovers(session);
            }
        }

        var cutoff = time.GetUtcNow() - options.PendingTimeout;
        foreach (var session in ListAll(SessionStatus.Pending))
        {
            if (!_launching.ContainsKey(session.Id) && session.CreatedAt < cutoff)
            {
                await ResolvePendingAsync(session, cancellationToken);
            }
        }

        RemoveStaleLaneSockets();
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

    private async Task CheckLiveAsync(SessionRecord session, bool writeReattached, CancellationToken cancellationToken)
    {
        if (await AttachAsync(session, writeReattached, cancellationToken))
        {
            return;
        }

        if (await ApplyExitAsync(session.Id, cancellationToken))
        {
            return;
        }

        if (session.Lane is { } lane && lane.IsAlive())
        {
            // Alive but not answering (busy, or socket removed): retry on the next sweep rather than kill live work.
            LogLaneUnreachable(session.Id, lane.Pid);
            return;
        }

        await OrphanAsync(session.Id, "the lane is gone", cancellationToken);
    }

    private async Task ResolvePendingAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        // A lane that started while the previous daemon died mid-launch may be fine: adopt it.
        if (session.Lane is { } lane && lane.IsAlive())
        {
            using (await locks.AcquireAsync(session.Id, cancellationToken))
            {
                store.Sessions.TryTransition(session.Id, SessionTrigger.Started, new TransitionChanges { Reason = "lane found at reconciliation" });
            }

            signals.Pulse(session.Id);
            var current = store.Sessions.Get(session.Id);
            if (current is { Status: SessionStatus.Live })
            {
                await CheckLiveAsync(current, writeReattached: true, cancellationToken);
            }

            return;
        }

        using (await locks.AcquireAsync(session.Id, cancellationToken))
        {
            var result = store.Sessions.TryTransition(session.Id, SessionTrigger.LaunchLost, new TransitionChanges
            {
                EndReason = EndReason.LaunchLost,
                Message = "the lane never reported that the harness started",
                Reason = "launch timeout",
            });
            if (result.Applied)
            {
                LogLaunchLost(session.Id);
            }
        }

        signals.Pulse(session.Id);
        KillLeftovers(session);
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
                await LaneGoneAsync(monitor.Id, "the lane connection closed", _stopping.Token);
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
    private async Task LaneGoneAsync(SessionId id, string why, CancellationToken cancellationToken)
    {
        DropMonitor(id);
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
        if (_monitors.TryRemove(id, out var monitor))
        {
            _ = monitor.Client.DisposeAsync().AsTask();
        }
    }

    private void RemoveStaleLaneSockets()
    {
        if (!Directory.Exists(options.Paths.LanesDir))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(options.Paths.LanesDir, "*.sock"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (SessionId.TryParse(name, out var id) && store.Sessions.Get(id) is { Status: SessionStatus.Live or SessionStatus.Pending })
            {
                continue;
            }

            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            try
            {
                socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(file));
            }
            catch (System.Net.Sockets.SocketException)
            {
                try
                {
                    File.Delete(file);
                    LogStaleSocketRemoved(file);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private List<SessionRecord> ListAll(SessionStatus status)
    {
        var all = new List<SessionRecord>();
        string? cursor = null;
        do
        {
            var page = store.Sessions.List(new SessionQuery { Statuses = [status], Limit = 1000, Cursor = cursor, IncludeArchived = true });
            all.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
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
