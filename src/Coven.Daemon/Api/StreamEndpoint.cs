using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Api;

/// <summary>
/// Server-sent events of one session: stored events after <c>afterSeq</c>, then new ones as they are committed,
/// until the session's final event. Followers wait on the session's <see cref="SessionSignal"/> (pulsed by lane
/// notifications and by every event the daemon writes) and re-read the store; a slow poll covers a missed pulse.
/// </summary>
internal static class StreamEndpoint
{
    private static readonly TimeSpan s_fallbackPoll = TimeSpan.FromSeconds(1);

    // Same contracts, without HTML-safe escaping: SSE data is not embedded in HTML.
    private static readonly CovenJsonContext s_relaxed = new(new JsonSerializerOptions(CovenJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sessions/{id}/stream", StreamAsync)
            .WithName("events.stream").WithSummary("Server-sent events: replay after afterSeq, then live until the session ends.")
            .Produces<EventDto>(200, "text/event-stream").Errors(400, 404)
            .Query("afterSeq", "integer", "Replay events after this seq (a larger Last-Event-ID header wins).");

        app.MapGet("/api/v1/events/stream", StreamAllAsync)
            .WithName("events.streamAll").WithSummary("Server-sent events of every session (optionally of some kinds): after afterSeq, else from now; never ends by itself.")
            .Produces<EventDto>(200, "text/event-stream").Errors(400)
            .Query("afterSeq", "integer", "Replay events after this seq (a larger Last-Event-ID header wins); absent: only events committed after the stream starts.")
            .Query("kind", "string", "Only events of these kinds (comma-separated, e.g. lifecycle,activity).");
    }

    /// <summary>
    /// Every session's events (of the asked kinds) as they are committed: what a client that shows all sessions (the web
    /// cockpit's list) follows instead of polling. Woken by any session's pulse; reads the store up to its newest seq, so
    /// a filter that matches nothing for a long time never re-reads what it already passed.
    /// </summary>
    private static async Task<IResult> StreamAllAsync(
        HttpContext ctx,
        CovenStore store,
        SessionSignals signals,
        LaneMonitors monitors,
        DaemonOptions options,
        TimeProvider time,
        StoreStatus storeStatus,
        CancellationToken requestAborted)
    {
        var query = ctx.Request.Query;
        var afterSeq = 0L;
        if (query.ContainsKey("afterSeq") && !QueryValues.TryGetLong(query, "afterSeq", 0, 0, long.MaxValue, out afterSeq, out var error))
        {
            return error!;
        }

        var kinds = new List<string?>();
        foreach (var kind in (QueryValues.GetString(query, "kind") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (kind.Length > 32 || !kind.All(c => c is (>= 'a' and <= 'z') or '_'))
            {
                return ApiErrors.InvalidRequest($"kind must be a comma-separated list of event kinds (lowercase letters and _); '{ApiErrors.Printable(kind)}' is not one.");
            }

            if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        if (kinds.Count == 0)
        {
            kinds.Add(null);
        }

        using var follow = signals.FollowAny();
        var signal = follow.Signal;
        var head = store.Events.LastSeq();
        if (!query.ContainsKey("afterSeq"))
        {
            afterSeq = head;
        }

        afterSeq = WithLastEventId(ctx.Request, afterSeq);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, monitors.StoppingToken);
        var ct = cts.Token;
        var response = ctx.Response;
        await BeginAsync(response, ct);

        var lastWrite = time.GetTimestamp();
        var announced = "ok";
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var version = signal.Version;

                // Everything committed up to head, of each kind, in seq order; the next round starts after head.
                head = Math.Max(afterSeq, store.Events.LastSeq());
                var batch = new List<EventRecord>();
                foreach (var kind in kinds)
                {
                    var cursor = afterSeq;
                    while (true)
                    {
                        var page = store.Events.Page(null, cursor, 500, kind);
                        batch.AddRange(page.Where(e => e.Seq <= head));
                        if (page.Count < 500 || page[^1].Seq >= head)
                        {
                            break;
                        }

                        cursor = page[^1].Seq;
                    }
                }

                afterSeq = head;
                if (batch.Count > 0)
                {
                    batch.Sort((a, b) => a.Seq.CompareTo(b.Seq));
                    foreach (var e in batch)
                    {
                        await WriteEventAsync(response, e, ct);
                    }

                    await response.Body.FlushAsync(ct);
                    lastWrite = time.GetTimestamp();
                }

                if (await AnnounceStoreAsync(response, storeStatus, announced, ct) is { } state)
                {
                    announced = state;
                    lastWrite = time.GetTimestamp();
                }

                lastWrite = await HeartbeatOrWaitAsync(response, signal, version, lastWrite, options, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }

        return Results.Empty;
    }

    private static async Task<IResult> StreamAsync(
        string id,
        HttpContext ctx,
        CovenStore store,
        SessionSignals signals,
        LaneMonitors monitors,
        DaemonOptions options,
        TimeProvider time,
        StoreStatus storeStatus,
        CancellationToken requestAborted)
    {
        if (!SessionId.TryParse(id, out var sessionId) || store.Sessions.Get(sessionId) is null)
        {
            return ApiErrors.SessionNotFound(id);
        }

        var afterSeq = 0L;
        if (!QueryValues.TryGetLong(ctx.Request.Query, "afterSeq", 0, 0, long.MaxValue, out afterSeq, out var error))
        {
            return error!;
        }

        afterSeq = WithLastEventId(ctx.Request, afterSeq);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, monitors.StoppingToken);
        var ct = cts.Token;
        var response = ctx.Response;
        await BeginAsync(response, ct);

        using var follow = signals.Follow(sessionId);
        var signal = follow.Signal;
        var lastWrite = time.GetTimestamp();
        var announced = "ok";
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var version = signal.Version;
                var wrote = false;
                while (true)
                {
                    var page = store.Events.Page(sessionId, afterSeq, 500);
                    foreach (var e in page)
                    {
                        await WriteEventAsync(response, e, ct);
                        afterSeq = e.Seq;
                        wrote = true;
                    }

                    if (page.Count < 500)
                    {
                        break;
                    }
                }

                if (wrote)
                {
                    await response.Body.FlushAsync(ct);
                    lastWrite = time.GetTimestamp();
                }

                // A full store stalls a live session without an event of its own: said in the stream (issue 15).
                if (await AnnounceStoreAsync(response, storeStatus, announced, ct) is { } state)
                {
                    announced = state;
                    lastWrite = time.GetTimestamp();
                }

                var session = store.Sessions.Get(sessionId);
                if (session is null || IsFinal(session.Status))
                {
                    // The final lifecycle event is committed with the status change: drain once more and end.
                    foreach (var e in store.Events.Page(sessionId, afterSeq, 1000))
                    {
                        await WriteEventAsync(response, e, ct);
                        afterSeq = e.Seq;
                    }

                    await response.Body.FlushAsync(ct);
                    break;
                }

                lastWrite = await HeartbeatOrWaitAsync(response, signal, version, lastWrite, options, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }

        return Results.Empty;
    }

    /// <summary>Last-Event-ID lets a browser-style client resume without knowing the query parameter: a larger one wins.</summary>
    private static long WithLastEventId(HttpRequest request, long afterSeq) =>
        request.Headers.TryGetValue("Last-Event-ID", out var lastId) && long.TryParse(lastId.ToString(), out var resumed) && resumed > afterSeq
            ? resumed
            : afterSeq;

    private static async Task BeginAsync(HttpResponse response, CancellationToken ct)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);
    }

    /// <summary>Says when the store became full or has room again (since <paramref name="announced"/>); the state said, else null.</summary>
    private static async Task<string?> AnnounceStoreAsync(HttpResponse response, StoreStatus storeStatus, string announced, CancellationToken ct)
    {
        var (state, message) = storeStatus.Current;
        if (state == announced || (state != "full" && announced != "full"))
        {
            return null;
        }

        await WriteStoreNoticeAsync(response, new StoreNotice(state, message), ct);
        await response.Body.FlushAsync(ct);
        return state;
    }

    /// <summary>A heartbeat when one is due, else a wait for the signal (at most until the next heartbeat or the fallback poll); the time of the last write.</summary>
    private static async Task<long> HeartbeatOrWaitAsync(HttpResponse response, SessionSignal signal, long version, long lastWrite, DaemonOptions options, TimeProvider time, CancellationToken ct)
    {
        var wait = options.HeartbeatInterval - time.GetElapsedTime(lastWrite);
        if (wait <= TimeSpan.Zero)
        {
            await response.WriteAsync(": heartbeat\n\n", ct);
            await response.Body.FlushAsync(ct);
            return time.GetTimestamp();
        }

        await signal.WaitAsync(version, wait < s_fallbackPoll ? wait : s_fallbackPoll, time, ct);
        return lastWrite;
    }

    private static bool IsFinal(SessionStatus status) => status is not (SessionStatus.Pending or SessionStatus.Live);

    /// <summary><c>event: store</c> (no id: it is not a stored event) with <c>{"state", "message"}</c>.</summary>
    private static async Task WriteStoreNoticeAsync(HttpResponse response, StoreNotice notice, CancellationToken ct) =>
        await response.WriteAsync("event: store\ndata: " + JsonSerializer.Serialize(notice, s_relaxed.StoreNotice) + "\n\n", Encoding.UTF8, ct);

    private static async Task WriteEventAsync(HttpResponse response, EventRecord e, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(EventEndpoints.ToDto(e), s_relaxed.EventDto);
        var text = new StringBuilder(json.Length + 64)
            .Append("id: ").Append(e.Seq).Append('\n')
            .Append("event: ").Append(e.Kind).Append('\n')
            .Append("data: ").Append(json).Append("\n\n")
            .ToString();
        await response.WriteAsync(text, Encoding.UTF8, ct);
    }
}
