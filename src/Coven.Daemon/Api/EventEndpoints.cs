using Coven.Core;
using Coven.Core.Api;
using Coven.Store;

namespace Coven.Daemon.Api;

internal static class EventEndpoints
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sessions/{id}/events", (string id, HttpContext ctx, CovenStore store) =>
        {
            if (!SessionId.TryParse(id, out var sessionId) || store.Sessions.Get(sessionId) is null)
            {
                return ApiErrors.SessionNotFound(id);
            }

            return Page(ctx.Request.Query, store, sessionId);
        }).WithName("events.session").WithSummary("A page of one session's events after a seq.")
            .Answers<EventPage>().Errors(400, 404)
            .Query("afterSeq", "integer", "Only events with a larger seq (default 0).")
            .Query("limit", "integer", "Page size (default 500, at most 1000; larger values are capped).")
            .Query("kind", "string", "Only events of this kind.");

        app.MapGet("/api/v1/events", (HttpContext ctx, CovenStore store) =>
        {
            SessionId? sessionId = null;
            if (QueryValues.GetString(ctx.Request.Query, "sessionId") is { } raw)
            {
                if (!SessionId.TryParse(raw, out var parsed) || store.Sessions.Get(parsed) is null)
                {
                    return ApiErrors.SessionNotFound(raw);
                }

                sessionId = parsed;
            }

            return Page(ctx.Request.Query, store, sessionId);
        }).WithName("events.list").WithSummary("A page of events (optionally of one session) after a seq.")
            .Answers<EventPage>().Errors(400, 404)
            .Query("sessionId", "string", "Only events of this session.")
            .Query("afterSeq", "integer", "Only events with a larger seq (default 0).")
            .Query("limit", "integer", "Page size (default 500, at most 1000; larger values are capped).")
            .Query("kind", "string", "Only events of this kind.");
    }

    private static ApiResult Page(IQueryCollection query, CovenStore store, SessionId? session)
    {
        if (!QueryValues.TryGetLong(query, "afterSeq", 0, 0, long.MaxValue, out var afterSeq, out var error)
            || !QueryValues.TryGetLong(query, "limit", DefaultLimit, 1, int.MaxValue, out var limit, out error))
        {
            return error!;
        }

        var take = (int)Math.Min(limit, MaxLimit);
        var kind = QueryValues.GetString(query, "kind");
        var events = store.Events.Page(session, afterSeq, take + 1, kind);
        var hasMore = events.Count > take;
        var page = events.Take(take).Select(ToDto).ToList();
        var next = hasMore ? new EventCursor(page[^1].Seq) : null;
        return ApiResult.Ok(new EventPage(page, next, hasMore), CovenJsonContext.Default.EventPage);
    }

    public static EventDto ToDto(EventRecord e) => new(e.Seq, e.Id, e.SessionId, e.Kind, e.PayloadJson, e.CreatedAt);
}
