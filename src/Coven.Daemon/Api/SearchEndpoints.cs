using System.Globalization;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Sessions;
using Coven.Store;
using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Api;

/// <summary><c>GET /api/v1/search</c>: full-text search over the rendered output lines (docs/search.md).</summary>
internal static class SearchEndpoints
{
    /// <summary>How long a search may spend indexing output recorded since the indexer's last pass.</summary>
    private static readonly TimeSpan s_catchUpBudget = TimeSpan.FromSeconds(2);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", (HttpContext ctx, CovenStore store, ShortIds shortIds) => Search(ctx.Request.Query, store, shortIds))
            .WithName("search").WithSummary("Lines of recorded output (escape sequences removed, chunks joined) that match, newest first.")
            .Answers<SearchResponse>().Errors(400, 404)
            .Query("q", "string", "What to find (required): a phrase of words, or an FTS5 query with mode=fts.")
            .Query("mode", "string", "phrase (default: the words of q in order) or fts (SQLite FTS5 syntax: AND OR NOT, \"phrases\", prefix*, NEAR).")
            .Query("sessionId", "string", "Only this session's output.")
            .Query("projectRoot", "string", "Only sessions of this project root (canonicalized).")
            .Query("harness", "string", "Only sessions of this harness id.")
            .Query("since", "string", "Only lines that started at or after this RFC 3339 time.")
            .Query("until", "string", "Only lines that started before this RFC 3339 time.")
            .Query("context", "integer", "Lines of context before and after each hit, 0-20 (default 0).")
            .Query("limit", "integer", "At most this many hits, 1-1000 (default 50).")
            .Query("cursor", "string", "nextCursor of the previous page.");
    }

    private static ApiResult Search(IQueryCollection query, CovenStore store, ShortIds shortIds)
    {
        var text = QueryValues.GetString(query, "q");
        if (text is null || string.IsNullOrWhiteSpace(text))
        {
            return ApiErrors.InvalidRequest("q (the text to search for) is required.");
        }

        if (text.Length > 1000 || text.Any(char.IsControl))
        {
            return ApiErrors.InvalidRequest("q must be at most 1000 characters without control characters.");
        }

        var mode = QueryValues.GetString(query, "mode") ?? "phrase";
        string match;
        switch (mode)
        {
            case "phrase":
                if (!text.Any(char.IsLetterOrDigit))
                {
                    return ApiErrors.InvalidRequest("q has no words to search for (the index holds words; punctuation and spaces alone are not searchable).");
                }

                match = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                break;
            case "fts":
                match = text;
                break;
            default:
                return ApiErrors.InvalidRequest($"mode '{ApiErrors.Printable(mode)}' is not one of phrase, fts.");
        }

        if (!QueryValues.TryGetLong(query, "limit", 50, 1, 1000, out var limit, out var error)
            || !QueryValues.TryGetLong(query, "context", 0, 0, 20, out var context, out error)
            || !TryTime(query, "since", out var since, out error)
            || !TryTime(query, "until", out var until, out error))
        {
            return error!;
        }

        long? before = null;
        if (QueryValues.GetString(query, "cursor") is { } cursor)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                return ApiErrors.InvalidRequest("cursor is not a cursor this daemon issued.");
            }

            before = id;
        }

        var sessionId = QueryValues.GetString(query, "sessionId");
        if (sessionId is not null && (!SessionId.TryParse(sessionId, out var sid) || store.Sessions.Get(sid) is null))
        {
            return ApiErrors.SessionNotFound(sessionId);
        }

        var root = QueryValues.GetString(query, "projectRoot");
        if (root is not null && PathPolicy.TryCanonicalize(root, out var canonical))
        {
            root = canonical;
        }

        // Output recorded since the background indexer's last pass is indexed now, so a search sees it.
        bool complete;
        try
        {
            complete = store.Search.CatchUpWithin(s_catchUpBudget);
        }
        catch (SqliteException e) when (StoreStatus.Classify(e, out _) is not null)
        {
            complete = false; // busy or full: answer from the index as it is
        }

        try
        {
            var (hits, hasMore) = store.Search.Query(new SearchQuery
            {
                Match = match,
                SessionId = sessionId,
                ProjectRoot = root,
                Harness = QueryValues.GetString(query, "harness"),
                Since = since,
                Until = until,
                BeforeId = before,
                Limit = (int)limit,
                Context = (int)context,
            });
            var refs = shortIds.For(hits.Select(h => h.SessionId).Distinct(StringComparer.Ordinal));
            var dtos = hits.Select(h => new SearchHitDto(h.SessionId, refs[h.SessionId], h.Seq, h.CreatedAt, h.Text, h.Before, h.After, h.Harness, h.ProjectRoot, h.Title)).ToList();
            var next = hasMore ? hits[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
            return ApiResult.Ok(new SearchResponse(dtos, hasMore, next, store.Search.IndexedSeq(), complete), CovenJsonContext.Default.SearchResponse);
        }
        catch (SearchSyntaxException e)
        {
            return ApiErrors.InvalidRequest($"q is not a valid FTS5 query ({ApiErrors.Printable(e.Message)}); use mode=phrase to search for the words as they are.");
        }
    }

    private static bool TryTime(IQueryCollection query, string name, out string? value, out ApiResult? error)
    {
        (value, error) = (null, null);
        if (QueryValues.GetString(query, name) is not { } text)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) || text.Length < 10)
        {
            error = ApiErrors.InvalidRequest($"{name} must be an RFC 3339 time (2026-12-01T09:00:00Z).");
            return false;
        }

        value = Timestamps.Of(time);
        return true;
    }
}
