using System.Text.Json;
using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;

namespace Coven.Cli.Commands;

/// <summary>
/// <c>coven wait --any [--activity waiting|idle] [--harness H] [--root DIR]</c> (docs/attention.md): the first live
/// session that needs the user. Client-side: it lists the live sessions, and while none matches it follows the
/// daemon's activity events (<c>GET /api/v1/events?kind=activity&amp;afterSeq=N</c>, one small page per 100 ms tick)
/// and lists again when one was appended (and every 2 s, to notice sessions that ended). Prints the session's id (the record with --json); exit 0 found, 1 no live session is left
/// to wait on, 124 timed out.
/// </summary>
internal static class WaitAnyCommand
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(100);

    // Sessions that end change no activity: the list is read again this often regardless, to see them go.
    private static readonly TimeSpan s_relist = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(CliContext context, string? activity, string? harness, string? root, TimeSpan? limit, bool json, CancellationToken ct)
    {
        string[] wanted = activity is null ? [SessionActivity.Waiting, SessionActivity.Idle] : [activity];
        var query = new List<string> { "status=live" };
        if (harness is { Length: > 0 })
        {
            query.Add("harness=" + Uri.EscapeDataString(harness));
        }

        if (root is { Length: > 0 })
        {
            var full = Path.GetFullPath(root);
            query.Add("projectRoot=" + Uri.EscapeDataString(PathPolicy.TryCanonicalize(full, out var canonical) ? canonical : full));
        }

        var client = await context.ConnectAsync(ct);
        var deadline = limit is { } l ? DateTimeOffset.UtcNow + l : (DateTimeOffset?)null;

        // The cursor first, then the list: a change after the list is an event after the cursor.
        var cursor = await CursorAsync(client, 0, ct);
        while (true)
        {
            var live = await SessionResolver.ListRecordsAsync(client, string.Join('&', query), null, ct);
            var found = live
                .Where(r => wanted.Contains(Text(r, "activity")))
                .OrderBy(r => Text(r, "activitySince"), StringComparer.Ordinal)
                .FirstOrDefault();
            if (found.ValueKind == JsonValueKind.Object)
            {
                if (json)
                {
                    JsonOutput.Write(context.Out, w => found.WriteTo(w));
                }
                else
                {
                    context.Out.WriteLine(SessionResolver.IdOf(found));
                }

                return ExitCodes.Ok;
            }

            if (live.Count == 0)
            {
                context.Error.WriteLine("coven: no live session to wait on (session_ended)");
                return ExitCodes.Failed;
            }

            // Nothing matches yet: wait for an activity change of any session, within the deadline.
            var listedAt = DateTimeOffset.UtcNow;
            while (DateTimeOffset.UtcNow - listedAt < s_relist)
            {
                if (deadline is { } d && DateTimeOffset.UtcNow >= d)
                {
                    context.Error.WriteLine($"coven: timed out after {limit} waiting for a session that is {string.Join(" or ", wanted)} (timeout)");
                    return ExitCodes.Timeout;
                }

                await Task.Delay(s_tick, ct);
                var next = await CursorAsync(client, cursor, ct);
                if (next != cursor)
                {
                    cursor = next;
                    break;
                }
            }
        }
    }

    /// <summary>The seq of the newest event after <paramref name="after"/> (or <paramref name="after"/> when none).</summary>
    private static async Task<long> CursorAsync(CovenClient client, long after, CancellationToken ct)
    {
        var cursor = after;
        while (true)
        {
            var body = await client.SendAsync(HttpVerb.Get, $"api/v1/events?kind=activity&afterSeq={cursor}&limit=1000", null, ct);
            using var page = JsonDocument.Parse(body);
            cursor = page.RootElement.GetProperty("nextCursor").GetProperty("afterSeq").GetInt64();
            if (!page.RootElement.TryGetProperty("hasMore", out var more) || more.ValueKind != JsonValueKind.True)
            {
                return cursor;
            }
        }
    }

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
