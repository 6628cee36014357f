using System.CommandLine;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class SessionsCommand
{
    private static readonly string[] s_activities = [SessionActivity.Working, SessionActivity.Waiting, SessionActivity.Idle, SessionActivity.Unknown];
    private static readonly string[] s_statuses = ["pending", "live", "finished", "failed", "orphaned", "archived"];

    public static void Add(CliApp app)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Include archived sessions" };
        var status = new Option<string?>("--status") { Description = "Only these statuses (comma list: pending,live,finished,failed,orphaned,archived)", HelpName = "list" };
        var harness = new Option<string?>("--harness") { Description = "Only sessions of this harness" };
        var root = new Option<string?>("--root") { Description = "Only sessions of this project root", HelpName = "dir" };
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many sessions (newest first); default: all" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print full session ids only, one per line" };
        var json = Common.JsonOption("Print {\"sessions\": [SessionDto...]} (the API's records)");
        var activity = new Option<string?>("--activity") { Description = "Only live sessions doing this (comma list: working,waiting,idle,unknown)", HelpName = "list" };
        var allHosts = new Option<bool>("--all-hosts") { Description = "This machine's sessions and every context's (coven context ls), with a HOST column" };
        var hostTimeout = new Option<string?>("--host-timeout") { Description = "With --all-hosts: how long each host may take (default 10s)", HelpName = "duration" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not shorten anything: full ids, titles and paths (lines may wrap)" };
        var output = new Option<string?>("--output", "-o") { Description = "Output format: table (default), wide (more columns, full ids, nothing shortened) or json", HelpName = "format" };
        output.AcceptOnlyFromAmong("table", "wide", "json");
        var watch = new Option<bool>("--watch", "-w") { Description = "Redraw the list whenever it changes, until Ctrl-C" };
        var interval = new Option<string?>("--interval") { Description = "How often --watch asks the daemon, e.g. 500ms, 2s (default 1s)", HelpName = "duration" };
        interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && (!Durations.TryParse(text, out var d) || d < TimeSpan.FromMilliseconds(50)))
            {
                r.AddError($"invalid --interval '{text}' (a duration of at least 50ms, e.g. 500ms, 2s)");
            }
        });
        var command = new Command(
            "sessions",
            "List sessions, newest first (active ones unless --all).\n\n"
            + "Examples:\n"
            + "  coven sessions\n"
            + "  coven ls --status finished,failed --harness codex\n"
            + "  coven ls --json | jq -r '.sessions[].id'\n"
            + "  coven ls --activity waiting\n"
            + "  coven ls -o wide\n"
            + "  coven ls --watch")
        {
            all, status, harness, root, activity, limit, quiet, json, noTrunc, output, watch, interval, allHosts, hostTimeout,
        };
        command.Aliases.Add("ls");
        limit.Validators.Add(r =>
        {
            if (OptionValues.TryGet<int?>(r, out var n) && n is <= 0)
            {
                r.AddError("--limit must be a positive number");
            }
        });
        activity.Validators.Add(r =>
        {
            foreach (var a in Split(r.GetValueOrDefault<string?>()))
            {
                if (!s_activities.Contains(a))
                {
                    r.AddError($"unknown activity '{a}' (expected one of: {string.Join(", ", s_activities)})");
                }
            }
        });
        status.Validators.Add(r =>
        {
            foreach (var s in Split(r.GetValueOrDefault<string?>()))
            {
                if (!s_statuses.Contains(s))
                {
                    r.AddError($"unknown status '{s}' (expected one of: {string.Join(", ", s_statuses)})");
                }
            }
        });

        app.Bind(command, async (context, parse, ct) =>
        {
            var statuses = Split(parse.GetValue(status));
            var activities = Split(parse.GetValue(activity));
            var query = new List<string>();
            if (parse.GetValue(all) || statuses.Contains("archived"))
            {
                query.Add("includeArchived=true");
            }

            // The API takes one status; several are filtered here.
            if (statuses.Count == 1)
            {
                query.Add("status=" + statuses[0]);
            }

            if (parse.GetValue(harness) is { Length: > 0 } h)
            {
                query.Add("harness=" + Uri.EscapeDataString(h));
            }

            string? rootFilter = null;
            if (parse.GetValue(root) is { Length: > 0 } r)
            {
                rootFilter = PathPolicy.TryCanonicalize(Path.GetFullPath(r), out var canonical) ? canonical : Path.GetFullPath(r);
                query.Add("projectRoot=" + Uri.EscapeDataString(rootFilter));
            }

            var max = parse.GetValue(limit);
            if (parse.GetValue(allHosts))
            {
                var perHost = parse.GetValue(hostTimeout) is { } ht
                    ? Durations.TryParse(ht, out var ptd) && ptd > TimeSpan.Zero ? ptd : throw CliException.Usage($"--host-timeout '{ht}' is not a duration (e.g. 5s, 1m)")
                    : TimeSpan.FromSeconds(10);
                return await Remote.AllHosts.ListAsync(context, string.Join('&', query), statuses.Count > 1 ? null : max, statuses, parse.GetValue(json) || parse.GetValue(output) == "json", perHost, ct);
            }

            var client = await context.ConnectAsync(ct);
            string? storeState = null;
            async Task<List<System.Text.Json.JsonElement>> FetchAsync()
            {
                var listing = await SessionResolver.ListAsync(client, string.Join('&', query), statuses.Count > 1 || activities.Count > 0 ? null : max, ct);
                storeState = listing.StoreState;
                var records = listing.Records;
                if (statuses.Count > 0)
                {
                    records = [.. records.Where(s => statuses.Contains(SessionResolver.StatusOf(s)))];
                }

                if (activities.Count > 0)
                {
                    // Activity describes a running agent: only live sessions match.
                    records = [.. records.Where(s => SessionResolver.StatusOf(s) == "live" && activities.Contains(ActivityOf(s)))];
                }

                if (max is { } m && records.Count > m)
                {
                    records = records[..m];
                }

                return records;
            }

            var format = parse.GetValue(output) ?? (parse.GetValue(json) ? "json" : "table");
            var view = new TableView(format == "wide", parse.GetValue(noTrunc) || format == "wide", TerminalWidth(context));
            if (parse.GetValue(watch))
            {
                var period = parse.GetValue(interval) is { } text && Durations.TryParse(text, out var d) ? d : TimeSpan.FromSeconds(1);
                return await WatchAsync(context, app, FetchAsync, format, parse.GetValue(quiet), view, period, ct);
            }

            var listed = await FetchAsync();
            Write(context, context.Out, listed, format, parse.GetValue(quiet), view);
            if (storeState == "full" && format != "json" && !parse.GetValue(quiet) && listed.Any(r => SessionResolver.StatusOf(r) == "live"))
            {
                await WarnStoreFullAsync(context, client, ct);
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    /// <summary>
    /// Live sessions of a full store record nothing (their lanes wait for space, losing nothing): the table says so
    /// under it, on stderr (issue 15). The list's <c>storeState</c> tells; only then is health asked for the store's
    /// last error, so an ordinary <c>ls</c> stays one request.
    /// </summary>
    private static async Task WarnStoreFullAsync(CliContext context, Api.CovenClient client, CancellationToken ct)
    {
        string? lastError = null;
        try
        {
            lastError = (await client.GetAsync("api/v1/health", CovenJsonContext.Default.HealthResponse, ct)).Store?.LastError;
        }
        catch (CliException)
        {
            // the reason is a detail: the warning stands without it (the daemon went away since the list)
        }

        context.Error.WriteLine(Common.Paint(context, Ansi.Red, "STORE FULL") + ": live sessions wait to record their output until space is freed" + (lastError is { } e ? " (" + e + ")" : string.Empty));
    }

    /// <summary>How the table is drawn: wide (more columns), nothing shortened, and the width to fit (null: no limit).</summary>
    internal sealed record TableView(bool Wide, bool NoTrunc, int? Width);

    private static void Write(CliContext context, TextWriter writer, List<System.Text.Json.JsonElement> records, string format, bool quiet, TableView view)
    {
        if (format == "json")
        {
            // The daemon's records as they are: the same fields as SessionDto, and any the CLI does not know yet.
            JsonOutput.WriteRecords(writer, "sessions", records);
            return;
        }

        if (quiet)
        {
            foreach (var record in records)
            {
                writer.WriteLine(SessionResolver.IdOf(record));
            }

            return;
        }

        if (records.Count == 0)
        {
            context.Error.WriteLine("no sessions");
            return;
        }

        WriteTable(context, writer, records, view);
    }

    /// <summary>
    /// <c>--watch</c>: asks the daemon every <paramref name="period"/> and redraws when the answer changed (on a terminal
    /// the screen is cleared first; into a pipe each new table follows the last after a blank line). Ctrl-C ends it
    /// with exit 0. Polling keeps one request per period whatever the number of sessions; the event stream is per
    /// session.
    /// </summary>
    private static async Task<int> WatchAsync(
        CliContext context, CliApp app, Func<Task<List<System.Text.Json.JsonElement>>> fetch, string format, bool quiet, TableView view, TimeSpan period, CancellationToken ct)
    {
        app.EnableSignals();
        string? last = null;
        try
        {
            while (true)
            {
                var records = await fetch();
                using var buffer = new StringWriter { NewLine = "\n" };
                if (records.Count == 0 && format != "json" && !quiet)
                {
                    buffer.WriteLine("no sessions");
                }
                else
                {
                    Write(context, buffer, records, format, quiet, view with { Width = TerminalWidth(context) });
                }

                // Ages change every second; redraw for a change in the sessions, not in the clock.
                var text = buffer.ToString();
                var key = string.Join('\n', records.Select(r => SessionResolver.IdOf(r) + " " + SessionResolver.StatusOf(r) + " " + ActivityOf(r) + " " + r.GetProperty("updatedAt").GetString()));
                if (key != last)
                {
                    context.Out.Write(context.Console.OutIsTerminal ? "\e[H\e[2J" + text : (last is null ? string.Empty : "\n") + text);
                    last = key;
                    context.Out.Flush();
                }

                await Task.Delay(period, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            context.Out.Flush();
            return ExitCodes.Ok;
        }
    }

    /// <summary>The width to fit: the terminal's when stdout is one, else $COLUMNS when set, else none.</summary>
    private static int? TerminalWidth(CliContext context)
    {
        if (context.Console.OutIsTerminal && Attach.RawTerminal.TryGetSize(1, out var cols, out _) && cols > 0)
        {
            return cols;
        }

        return int.TryParse(context.Console.Env("COLUMNS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }

    /// <summary>
    /// The table, read straight from the daemon's records: binding 100 records to <see cref="SessionDto"/> (the
    /// serializer's metadata built on first use, then a constructor-based read per record) was ~30 % of
    /// <c>coven ls -n 100</c>'s CPU (perf, docs/benchmarks-cli.md); the table needs a dozen fields.
    /// </summary>
    private static void WriteTable(CliContext context, TextWriter writer, List<System.Text.Json.JsonElement> records, TableView view)
    {
        var prefixes = SessionResolver.ShortIds([.. records.Select(SessionResolver.IdOf)]);
        var now = DateTimeOffset.UtcNow;
        var table = view.Wide
            ? new Table("ID", "SHORT", "HARNESS", "FAMILIAR", "MODEL", "STATUS", "ACTIVITY", "TITLE", "AGE", "UPDATED", "PID", "PROJECT", "CWD")
            : new Table("ID", "HARNESS", "STATUS", "ACTIVITY", "TITLE", "AGE", "PROJECT");
        foreach (var r in records)
        {
            var id = SessionResolver.IdOf(r);
            var rawStatus = SessionResolver.StatusOf(r);
            var status = rawStatus;
            if (rawStatus == "failed" && Text(r, "exitSignal") is { Length: > 0 } signal)
            {
                status = $"failed ({signal})";
            }
            else if (rawStatus == "failed" && Int(r, "exitCode") is { } code)
            {
                status = $"failed (exit {code})";
            }

            var shortId = SessionResolver.ShortIdOf(r) ?? prefixes[id];
            var activityText = rawStatus != "live" ? "-" : ActivityOf(r) is { Length: > 0 } a ? a : SessionActivity.Unknown;
            var title = TextWidth.Truncate(Text(r, "title") ?? string.Empty, view.NoTrunc ? int.MaxValue : 48);
            var project = Format.TildePath(Text(r, "projectRoot") ?? string.Empty, context.UserHome);
            var harness = Text(r, "harness") ?? string.Empty;
            var age = Format.Age(Text(r, "createdAt") ?? string.Empty, now);
            if (view.Wide)
            {
                table.Add(
                    (id, string.Empty),
                    (shortId, string.Empty),
                    (harness, string.Empty),
                    (Text(r, "familiar") ?? "-", string.Empty),
                    (Text(r, "model") ?? "-", string.Empty),
                    (status, Ansi.StatusStyle(rawStatus)),
                    (activityText, string.Empty),
                    (title, string.Empty),
                    (age, string.Empty),
                    (Format.Age(Text(r, "updatedAt") ?? string.Empty, now), string.Empty),
                    (Int(r, "harnessPid")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", string.Empty),
                    (project, string.Empty),
                    (Format.TildePath(Text(r, "cwd") ?? string.Empty, context.UserHome), string.Empty));
                continue;
            }

            table.Add(
                (view.NoTrunc ? id : shortId, string.Empty),
                (harness, string.Empty),
                (status, Ansi.StatusStyle(rawStatus)),
                (activityText, string.Empty),
                (title, string.Empty),
                (age, string.Empty),
                (project, string.Empty));
        }

        if (!view.NoTrunc && view.Width is { } width)
        {
            // TITLE shortens from its end, PROJECT from its start (the end of a path says most).
            table.Fit(width, (4, 10, false), (6, 12, true));
        }

        table.Write(writer, context.Console.Color);
    }

    private static string? Text(System.Text.Json.JsonElement record, string name) => SessionResolver.TextOf(record, name);

    /// <summary>An integer field of a record; null when it is missing, null or not an int.</summary>
    private static int? Int(System.Text.Json.JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static string ActivityOf(System.Text.Json.JsonElement record) =>
        record.TryGetProperty("activity", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.String ? a.GetString()! : SessionActivity.Unknown;

    private static List<string> Split(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];
}
