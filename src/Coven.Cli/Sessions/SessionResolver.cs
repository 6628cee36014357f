using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Sessions;

/// <summary>
/// Turns what the user typed into one session: a full id is asked for directly; anything else is a
/// case-insensitive prefix matched against every session, archived ones included. No match is
/// <c>session_not_found</c> (exit 4); several are <c>ambiguous_session</c> (exit 2, candidates listed).
/// </summary>
internal static class SessionResolver
{
    public static async Task<SessionDto> ResolveAsync(CovenClient client, string reference, CancellationToken ct)
    {
        var text = reference.Trim().ToLowerInvariant();
        if (text.Length == 0)
        {
            throw CliException.Usage("empty session id");
        }

        if (SessionId.TryParse(text, out var id))
        {
            return await client.GetAsync($"api/v1/sessions/{id}", CovenJsonContext.Default.SessionDto, ct);
        }

        var all = await ListAllAsync(client, "includeArchived=true", null, ct);
        var matches = all.Where(s => s.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException(ErrorCodes.SessionNotFound, $"no session matches '{reference}'"),
            _ => throw new CliException(
                "ambiguous_session",
                $"session prefix '{reference}' is ambiguous: {matches.Count} sessions match; use more characters",
                ExitCodes.Usage,
                [.. matches.Take(20).Select(s => $"  {s.Id}  {s.Harness}  {s.Status}  {TextWidth.Truncate(s.Title, 40)}")]),
        };
    }

    /// <summary>Pages through <c>GET /api/v1/sessions</c> following nextCursor, up to <paramref name="max"/> records.</summary>
    public static async Task<List<SessionDto>> ListAllAsync(CovenClient client, string query, int? max, CancellationToken ct)
    {
        var result = new List<SessionDto>();
        string? cursor = null;
        while (true)
        {
            var pageSize = max is { } m ? Math.Clamp(m - result.Count, 1, 500) : 500;
            var url = $"api/v1/sessions?{query}{(query.Length > 0 ? "&" : string.Empty)}limit={pageSize}";
            if (cursor is not null)
            {
                url += "&cursor=" + Uri.EscapeDataString(cursor);
            }

            var page = await client.GetAsync(url, CovenJsonContext.Default.SessionListResponse, ct);
            result.AddRange(page.Sessions);
            if (max is { } limit && result.Count >= limit)
            {
                result.RemoveRange(limit, result.Count - limit);
                return result;
            }

            if (string.IsNullOrEmpty(page.NextCursor) || page.NextCursor == cursor || page.Sessions.Count == 0)
            {
                return result;
            }

            cursor = page.NextCursor;
        }
    }

    /// <summary>The shortest prefix (at least 8 characters) that tells each id apart from all the others.</summary>
    public static Dictionary<string, string> ShortIds(IReadOnlyList<string> ids, int minimum = 8)
    {
        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sorted.Length; i++)
        {
            var need = minimum;
            if (i > 0)
            {
                need = Math.Max(need, CommonPrefix(sorted[i], sorted[i - 1]) + 1);
            }

            if (i < sorted.Length - 1)
            {
                need = Math.Max(need, CommonPrefix(sorted[i], sorted[i + 1]) + 1);
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

    private static int CommonPrefix(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
