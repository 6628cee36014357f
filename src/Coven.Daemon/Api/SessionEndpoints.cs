using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Api;

internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/sessions", async (HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.LaunchRequest, null, ct);
            return error ?? UnsupportedLaunchFields.Check(request!) ?? await sessions.LaunchAsync(request!, ct);
        }).WithName("session.launch").WithSummary("Launch a harness in a new session (201 once live).")
            .Body<LaunchRequest>().Answers<SessionDto>(201).Errors(400, 503);

        app.MapGet("/api/v1/sessions", (HttpContext ctx, CovenStore store, ShortIds shortIds, Hosting.StoreStatus storeStatus) => List(ctx.Request.Query, store, shortIds, storeStatus))
            .WithName("sessions.list").WithSummary("List sessions, newest first.")
            .Answers<SessionListResponse>().Errors(400)
            .Query("status", "string", "Comma-separated statuses (pending, live, finished, failed, orphaned, archived).")
            .Query("harness", "string", "Only sessions of this harness id.")
            .Query("projectRoot", "string", "Only sessions of this project root (canonicalized).")
            .Query("includeArchived", "boolean", "Include archived sessions (default false).")
            .Query("idPrefix", "string", "Only sessions whose id starts with this (1-36 characters, lowercase hex and '-').")
            .Query("ref", "string", "A reference: the start or end of an id, or an exact title.")
            .Query("limit", "integer", "Page size, 1-1000 (default 100).")
            .Query("cursor", "string", "nextCursor of the previous page.");

        app.MapGet("/api/v1/sessions/{id}", (string id, SessionService sessions) => sessions.Get(id))
            .WithName("sessions.get").WithSummary("One session record.")
            .Answers<SessionDto>().Errors(404);

        app.MapPost("/api/v1/sessions/{id}/input", async (string id, HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.InputRequest, null, ct);
            return error ?? await sessions.InputAsync(id, request!, ct);
        }).WithName("session.input").WithSummary("Send input to a live session.")
            .Body<InputRequest>().AnswersOneOf<AcceptedResponse, SubmitResponse>(202).Errors(400, 404, 409);

        app.MapPost("/api/v1/sessions/{id}/resize", async (string id, HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.ResizeRequest, null, ct);
            return error ?? await sessions.ResizeAsync(id, request!, ct);
        }).WithName("session.resize").WithSummary("Resize a live session's terminal.")
            .Body<ResizeRequest>().Answers<AcceptedResponse>(202).Errors(400, 404, 409);

        app.MapPost("/api/v1/sessions/{id}/kill", async (string id, HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.KillRequest, new KillRequest(), ct);
            return error ?? await sessions.KillAsync(id, request!, ct);
        }).WithName("session.kill").WithSummary("Kill a session (TERM to the group, KILL after the grace period).")
            .Body<KillRequest>(optional: true).Answers<AcceptedResponse>(202).Errors(400, 404, 409);

        app.MapPost("/api/v1/sessions/{id}/archive", async (string id, HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            await Drain(ctx, ct);
            return await sessions.ArchiveAsync(id, ct);
        }).WithName("session.archive").WithSummary("Archive an ended session.")
            .Answers<SessionDto>().Errors(404, 409);

        app.MapPost("/api/v1/sessions/{id}/summon", async (string id, HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            await Drain(ctx, ct);
            return await sessions.SummonAsync(id, ct);
        }).WithName("session.summon").WithSummary("Restore an archived session.")
            .Answers<SessionDto>().Errors(404, 409);

        app.MapPost("/api/v1/sessions/{id}/sacrifice", async (string id, HttpContext ctx, SessionService sessions, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.SacrificeRequest, new SacrificeRequest(), ct);
            return error ?? await sessions.SacrificeAsync(id, request!, ct);
        }).WithName("session.sacrifice").WithSummary("Delete an ended session and its events permanently (confirm required).")
            .Body<SacrificeRequest>(optional: true).Answers<SacrificeResponse>().Errors(400, 404, 409);

        // GET /api/v1/sessions/{id}/screen and POST .../wait: ScreenEndpoints.
    }

    private static ApiResult List(IQueryCollection query, CovenStore store, ShortIds shortIds, Hosting.StoreStatus storeStatus)
    {
        List<SessionStatus>? statuses = null;
        if (QueryValues.GetString(query, "status") is { } statusText)
        {
            statuses = [];
            foreach (var part in statusText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!WireNames.TryParseStatus(part, out var s))
                {
                    return ApiErrors.InvalidRequest($"status '{ApiErrors.Printable(part)}' is not one of pending, live, finished, failed, orphaned, archived.");
                }

                statuses.Add(s);
            }
        }

        if (!QueryValues.TryGetBool(query, "includeArchived", out var includeArchived, out var error)
            || !QueryValues.TryGetLong(query, "limit", 100, 1, 1000, out var limit, out error))
        {
            return error!;
        }

        var cursor = QueryValues.GetString(query, "cursor");
        if (!SessionRepository.IsValidCursor(cursor))
        {
            return ApiErrors.InvalidRequest("cursor is not a cursor this daemon issued.");
        }

        // Additive (docs/api.md): what a short id resolves against, without listing every session.
        var idPrefix = QueryValues.GetString(query, "idPrefix");
        if (idPrefix is not null && (idPrefix.Length is 0 or > 36 || idPrefix.Any(c => !char.IsAsciiHexDigitLower(c) && c != '-')))
        {
            return ApiErrors.InvalidRequest("idPrefix must be 1 to 36 characters of a session id (lowercase hex and '-').");
        }

        // Additive: a reference as a person types it (an id's start or end, or a title); see SessionQuery.Ref.
        var reference = QueryValues.GetString(query, "ref");
        if (reference is not null && (reference.Length is 0 or > 200 || reference.Any(char.IsControl)))
        {
            return ApiErrors.InvalidRequest("ref must be 1 to 200 characters without control characters.");
        }

        var root = QueryValues.GetString(query, "projectRoot");
        if (root is not null && PathPolicy.TryCanonicalize(root, out var canonical))
        {
            root = canonical;
        }

        var page = store.Sessions.List(new SessionQuery
        {
            Statuses = statuses,
            Harness = QueryValues.GetString(query, "harness"),
            ProjectRoot = root,
            IncludeArchived = includeArchived,
            IdPrefix = idPrefix,
            Ref = reference,
            Limit = (int)limit,
            Cursor = cursor,
        });
        var refs = shortIds.For(page.Sessions.Select(s => s.Id.Value));
        var list = page.Sessions.Select(s => SessionDto.From(s) with { ShortId = refs[s.Id.Value] }).ToList();
        return ApiResult.Ok(new SessionListResponse(list, page.NextCursor) { StoreState = storeStatus.Current.State }, CovenJsonContext.Default.SessionListResponse);
    }

    /// <summary>Bodies are optional on archive/summon; still read them so the size limit applies uniformly.</summary>
    private static async Task Drain(HttpContext ctx, CancellationToken ct) => await ctx.Request.Body.CopyToAsync(Stream.Null, ct);
}
