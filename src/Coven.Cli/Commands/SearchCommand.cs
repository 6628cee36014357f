using System.CommandLine;
using System.Globalization;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven search</c>: full-text search over recorded output (docs/search.md).</summary>
internal static class SearchCommand
{
    public static void Add(CliApp app)
    {
        var text = new Argument<string>("text") { Description = "The words to find (a phrase: these words in this order; whole words, case-insensitive)" };
        var session = new Option<string?>("--session", "-s") { Description = "Only this session's output (an id, its start or end, or a title)", HelpName = "ref" };
        var root = new Option<string?>("--root") { Description = "Only sessions of this project root", HelpName = "dir" };
        var harness = new Option<string?>("--harness") { Description = "Only sessions of this harness" };
        var since = new Option<string?>("--since") { Description = "Only output after this time: a duration ago (10m, 2h, 7d) or an RFC 3339 timestamp", HelpName = "when" };
        var until = new Option<string?>("--until") { Description = "Only output before this time (a duration ago or an RFC 3339 timestamp)", HelpName = "when" };
        var context = new Option<int>("--context", "-C") { Description = "Lines of context before and after each match (0-20)", DefaultValueFactory = _ => 0, HelpName = "lines" };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many matches, newest first (1-1000)", DefaultValueFactory = _ => 50 };
        var fts = new Option<bool>("--fts") { Description = "TEXT is an SQLite FTS5 query: AND OR NOT, \"a phrase\", prefix*, NEAR(a b, 5)" };
        var json = Common.JsonOption("Print the SearchResponse (docs/api.md)");
        var command = new Command(
            "search",
            "Find lines of recorded output (as users saw them: escape sequences removed, words split across writes\n"
            + "joined; secrets already redacted), newest first. Prints the session, the time and the line. Exit status as\n"
            + "grep: 0 when something matched, 1 when nothing did, 2 or more on an error.\n\n"
            + "Examples:\n"
            + "  coven search 'connection refused'\n"
            + "  coven search -C 2 --since 1d --harness codex panic\n"
            + "  coven search --session 3fa9c1 --fts 'error AND (timeout OR refused)'\n"
            + "  coven search --json deploy | jq -r '.hits[].line'")
        {
            text, session, root, harness, since, until, context, limit, fts, json,
        };
        context.Validators.Add(r =>
        {
            if (OptionValues.TryGet<int>(r, out var n) && n is < 0 or > 20)
            {
                r.AddError("--context must be 0 to 20 lines");
            }
        });
        limit.Validators.Add(r =>
        {
            if (OptionValues.TryGet<int>(r, out var n) && n is < 1 or > 1000)
            {
                r.AddError("--limit must be 1 to 1000");
            }
        });
        foreach (var when in new[] { since, until })
        {
            when.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<string?>() is { } value && !LogsCommand.TryParseWhen(value, DateTimeOffset.UtcNow, out _))
                {
                    r.AddError($"invalid {r.Option.Name} '{value}': expected a duration ago (30s, 10m, 2h, 1d) or an RFC 3339 timestamp (2026-12-01T09:00:00Z)");
                }
            });
        }

        app.Bind(command, async (ctx, parse, ct) =>
        {
            try
            {
                return await RunAsync(ctx, parse, ct);
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.Failed)
            {
                // Like grep: 1 means "no match", so a failed search (a bad query, a store error) is 2.
                throw new CliException(e.Code, e.Message, ExitCodes.Usage, e.DetailLines);
            }
        });
        app.Root.Add(command);

        async Task<int> RunAsync(CliContext ctx, ParseResult parse, CancellationToken ct)
        {
            var query = new List<string>
            {
                "q=" + Uri.EscapeDataString(parse.GetValue(text)!),
                "limit=" + parse.GetValue(limit).ToString(CultureInfo.InvariantCulture),
                "context=" + parse.GetValue(context).ToString(CultureInfo.InvariantCulture),
            };
            if (parse.GetValue(fts))
            {
                query.Add("mode=fts");
            }

            Api.CovenClient client;
            if (parse.GetValue(session) is { } reference)
            {
                (client, var s) = await Common.ResolveAsync(ctx, reference, ct);
                query.Add("sessionId=" + s.Id);
            }
            else
            {
                client = await ctx.ConnectAsync(ct);
            }

            if (parse.GetValue(root) is { Length: > 0 } r)
            {
                var full = Path.GetFullPath(r);
                query.Add("projectRoot=" + Uri.EscapeDataString(PathPolicy.TryCanonicalize(full, out var canonical) ? canonical : full));
            }

            if (parse.GetValue(harness) is { } h)
            {
                query.Add("harness=" + Uri.EscapeDataString(h));
            }

            var now = DateTimeOffset.UtcNow;
            foreach (var (option, name) in new[] { (since, "since"), (until, "until") })
            {
                if (parse.GetValue(option) is { } value && LogsCommand.TryParseWhen(value, now, out var t))
                {
                    query.Add(name + "=" + Uri.EscapeDataString(Timestamps.Of(t)));
                }
            }

            var result = await client.GetAsync("api/v1/search?" + string.Join('&', query), CovenJsonContext.Default.SearchResponse, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(ctx.Out, result, CovenJsonContext.Default.SearchResponse);
                return result.Hits.Count > 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }

            Print(ctx, result, parse.GetValue(context));
            if (result.HasMore)
            {
                ctx.Error.WriteLine($"coven: showing the newest {result.Hits.Count} matches; there are more (--limit, or narrow with --since/--session)");
            }

            if (!result.IndexComplete)
            {
                ctx.Error.WriteLine("coven: the newest output is still being indexed; run the search again to include it");
            }

            return result.Hits.Count > 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }

    /// <summary><c>REF  TIME  line</c> per match; with context, the lines around it indented under it and <c>--</c> between matches.</summary>
    private static void Print(CliContext ctx, SearchResponse result, int context)
    {
        var o = ctx.Out;
        var first = true;
        foreach (var hit in result.Hits)
        {
            if (context > 0 && !first)
            {
                o.WriteLine("--");
            }

            first = false;
            var time = Format.TryParseTime(hit.CreatedAt, out var at) ? at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : hit.CreatedAt;
            var pad = new string(' ', hit.Ref.Length + 2 + time.Length);
            foreach (var line in hit.Before)
            {
                o.WriteLine($"{pad}- {line}");
            }

            o.WriteLine($"{Common.Paint(ctx, Ansi.Bold, hit.Ref)}  {time}: {hit.Line}");
            foreach (var line in hit.After)
            {
                o.WriteLine($"{pad}- {line}");
            }
        }

        o.Flush();
    }
}
