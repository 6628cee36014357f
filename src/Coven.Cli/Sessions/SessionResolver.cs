using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;
using System.Text.Json;

namespace Coven.Cli.Sessions;

/// <summary>
/// Turns what the user typed into one session: a full id is asked for directly; anything else is a reference the
/// daemon matches (<c>GET /sessions?ref=</c>) against every session, archived ones included: the start of an id
/// (case-insensitive), the end of one (the short id <c>coven ls</c> shows), or an exact title. No match is
/// <c>session_not_found</c> (exit 4); several are <c>ambiguous_session</c> (exit 2, candidates listed).
/// </summary>
internal static class SessionResolver
{
    /// <summary>How many candidates an ambiguous reference lists.</summary>
    private const int MaxCandidates = 20;

    public static async Task<SessionDto> ResolveAsync(CovenClient client, string reference, CancellationToken ct)
    {
        var text = reference.Trim();
        if (text.Length == 0)
        {
            throw CliException.Usage("empty session id");
        }

        if (SessionId.TryParse(text.ToLowerInvariant(), out var id))
        {
            return await client.GetAsync($"api/v1/sessions/{id}", CovenJsonContext.Default.SessionDto, ct);
        }

        if (text.Length > 200 || text.Any(char.IsControl))
        {
            throw new CliException(ErrorCodes.SessionNotFound, $"no session matches '{reference}'");
        }

        // The daemon narrows the list to the reference; one more than we list tells "more than 20" apart. The records
        // are checked here too, so a daemon that ignored the filter cannot make a reference pick a wrong session.
        var records = await ListRecordsAsync(client, "includeArchived=true&ref=" + Uri.EscapeDataString(text), MaxCandidates + 1, ct);
        var matches = records.Where(r => Matches(r, text)).Select(ToSession).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException(ErrorCodes.SessionNotFound, $"no session matches '{reference}'"),
            _ => throw new CliException(
                "ambiguous_session",
                $"session reference '{reference}' is ambiguous: {(matches.Count > MaxCandidates ? "more than " + MaxCandidates : matches.Count)} sessions match; use more characters or the full id",
                ExitCodes.Usage,
                [.. matches.Take(MaxCandidates).Select(s => $"  {s.Id}  {s.Harness}  {s.Status}  {TextWidth.Truncate(s.Title, 40)}")]),
        };
    }

    /// <summary>Whether a record is what <paramref name="reference"/> names: an id's start or end, or its exact title.</summary>
    public static bool Matches(JsonElement record, string reference)
    {
        var id = IdOf(record);
        var lower = reference.ToLowerInvariant();
        return (id.Length > 0 && (id.StartsWith(lower, StringComparison.Ordinal) || id.EndsWith(lower, StringComparison.Ordinal)))
            || StringProperty(record, "title") == reference;
    }

    /// <summary>
    /// Pages through <c>GET /api/v1/sessions</c> following nextCursor, up to <paramref name="max"/> records, each
    /// kept as the daemon's JSON record (<see cref="ToSession"/> makes a typed one). <c>--json</c>
    /// passes them through as they are (fields this CLI does not know yet included), and commands that only need
    /// the id or status skip building typed records (docs/benchmarks-cli.md).
    /// </summary>
    public static async Task<List<JsonElement>> ListRecordsAsync(CovenClient client, string query, int? max, CancellationToken ct) =>
        (await ListAsync(client, query, max, ct)).Records;

    /// <summary>
    /// The records of every page of <c>GET /sessions</c> (up to <paramref name="max"/>) and the store's state the last page
    /// carried (<c>storeState</c>: "ok", "busy", "full"; null from a daemon without it).
    /// </summary>
    public static async Task<SessionListing> ListAsync(CovenClient client, string query, int? max, CancellationToken ct)
    {
        var result = new List<JsonElement>();
        string? cursor = null;
        while (true)
        {
            var pageSize = max is { } m ? Math.Clamp(m - result.Count, 1, 500) : 500;
            var url = $"api/v1/sessions?{query}{(query.Length > 0 ? "&" : string.Empty)}limit={pageSize}";
            if (cursor is not null)
            {
                url += "&cursor=" + Uri.EscapeDataString(cursor);
            }

            var (page, next, storeState) = ParsePage(await client.SendAsync(HttpVerb.Get, url, null, ct));
            result.AddRange(page);
            if (max is { } limit && result.Count >= limit)
            {
                result.RemoveRange(limit, result.Count - limit);
                return new(result, storeState);
            }

            if (string.IsNullOrEmpty(next) || next == cursor || page.Count == 0)
            {
                return new(result, storeState);
            }

            cursor = next;
        }
    }

    /// <summary>The <c>id</c> of a session record ("" when missing, which matches no prefix).</summary>
    public static string IdOf(JsonElement record) => StringProperty(record, "id");

    /// <summary>The daemon's short reference of a session record (<c>shortId</c>), or null from a daemon without it.</summary>
    public static string? ShortIdOf(JsonElement record) => StringProperty(record, "shortId") is { Length: > 0 } s ? s : null;

    /// <summary>The <c>status</c> of a session record.</summary>
    public static string StatusOf(JsonElement record) => StringProperty(record, "status");

    public static SessionDto ToSession(JsonElement record) => CovenClient.Deserialize(record, CovenJsonContext.Default.SessionDto);

    /// <summary>One page of <c>GET /sessions</c>: the records and nextCursor; anything else is <c>bad_response</c>.</summary>
    internal static (List<JsonElement> Sessions, string? NextCursor, string? StoreState) ParsePage(string body)
    {
        try
        {
            var root = JsonElement.Parse(body);

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("sessions", out var sessions) || sessions.ValueKind != JsonValueKind.Array)
            {
                throw new CliException("bad_response", "the daemon's answer is not a valid SessionListResponse: no sessions array");
            }

            var records = new List<JsonElement>(sessions.GetArrayLength());
            foreach (var s in sessions.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object)
                {
                    throw new CliException("bad_response", "the daemon's answer is not a valid SessionListResponse: a session is not an object");
                }

                records.Add(s);
            }

            var next = root.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var storeState = root.TryGetProperty("storeState", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null;
            return (records, next, storeState);
        }
        catch (JsonException e)
        {
            throw new CliException("bad_response", $"the daemon's answer is not a valid SessionListResponse: {e.Message}");
        }
    }

    /// <summary>A string field of a record; null when it is missing, null or not a string.</summary>
    public static string? TextOf(JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string StringProperty(JsonElement record, string name) => TextOf(record, name) ?? string.Empty;

    /// <summary>
    /// The shortest prefix (at least 8 characters) that tells each id apart from all the others: what the table shows
    /// when the daemon sends no <c>shortId</c> (an older daemon).
    /// </summary>
    public static Dictionary<string, string> ShortIds(IReadOnlyList<string> ids, int minimum = 8)
    {
        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sorted.Length; i++)
        {
            var need = minimum;
            if (i > 0)
            {
                need = Math.Max(need, sorted[i].AsSpan().CommonPrefixLength(sorted[i - 1]) + 1);
            }

            if (i < sorted.Length - 1)
            {
                need = Math.Max(need, sorted[i].AsSpan().CommonPrefixLength(sorted[i + 1]) + 1);
            }

            var id = sorted[i];
            var cut = Math.Min(need, id.Length);
            if (cut < id.Length && id[cut - 1] == '-')
            {
                cut++;
            }

            result[id] = id[..cut];
        }

        return result;
    }
}

/// <summary>Session records of a listing and the store state the daemon reported with them (null: not reported).</summary>
internal sealed record SessionListing(List<JsonElement> Records, string? StoreState);
