using System.CommandLine;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class SessionsCommand
{
    private static readonly string[] s_statuses = ["pending", "live", "finished", "failed", "orphaned", "archived"];
    private static readonly string[] s_activities = [SessionActivity.Working, SessionActivity.Waiting, SessionActivity.Idle, SessionActivity.Unknown];

    public static void Add(CliApp app)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Include archived sessions" };
        var status = new Option<string?>("--status") { Description = "Only these statuses (comma list: pending,live,finished,failed,orphaned,archived)", HelpName = "list" };
        var harness = new Option<string?>("--harness") { Description = "Only sessions of this harness" };
        var root = new Option<string?>("--root") { Description = "Only sessions of this project root", HelpName = "dir" };
        var activity = new Option<string?>("--activity") { Description = "Only live sessions doing this (comma list: working,waiting,idle,unknown)", HelpName = "list" };
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many sessions (newest first); default: all" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print full session ids only, one per line" };
        var json = Common.JsonOption("Print {\"sessions\": [SessionDto...]} (the API's records)");
        var allHosts = new Option<bool>("--all-hosts") { Description = "This machine's sessions and every context's (coven context ls), with a HOST column" };
        var hostTimeout = new Option<string?>("--host-timeout") { Description = "With --all-hosts: how long each host may take (default 10s)", HelpName = "duration" };
        var command = new Command(
            "sessions",
            "List sessions, newest first (active ones unless --all).\n\n"
            + "Examples:\n"
            + "  coven sessions\n"
            + "  coven ls --status finished,failed --harness codex\n"
            + "  coven ls --activity waiting\n"
            + "  coven ls --json | jq -r '.sessions[].id'")
        {
            all, status, harness, root, activity, limit, quiet, json, allHosts, hostTimeout,
        };
        command.Aliases.Add("ls");
        limit.Validators.Add(r =>
        {
            if (OptionValues.TryGet<int?>(r, out var n) && n is <= 0)
            {
                r.AddError("--limit must be a positive number");
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
                    ? Durations.TryParse(ht, out var d) && d > TimeSpan.Zero ? d : throw CliException.Usage($"--host-timeout '{ht}' is not a duration (e.g. 5s, 1m)")
                    : TimeSpan.FromSeconds(10);
                return await Remote.AllHosts.ListAsync(context, string.Join('&', query), statuses.Count > 1 ? null : max, statuses, parse.GetValue(json), perHost, ct);
            }

            var client = await context.ConnectAsync(ct);
            var records = await SessionResolver.ListRecordsAsync(client, string.Join('&', query), statuses.Count > 1 || activities.Count > 0 ? null : max, ct);
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

            if (parse.GetValue(json))
            {
                // The daemon's records as they are: the same fields as SessionDto, and any the CLI does not know yet.
                JsonOutput.Write(context.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteStartArray("sessions");
                    foreach (var record in records)
                    {
                        record.WriteTo(w);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            if (parse.GetValue(quiet))
            {
                foreach (var record in records)
                {
                    context.Out.WriteLine(SessionResolver.IdOf(record));
                }

                return ExitCodes.Ok;
            }

            var sessions = records.Select(SessionResolver.ToSession).ToList();
            WriteTable(context, sessions);
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    public static void WriteTable(CliContext context, IReadOnlyList<SessionDto> sessions)
    {
        if (sessions.Count == 0)
        {
            context.Error.WriteLine("no sessions");
            return;
        }

        var shortIds = SessionResolver.ShortIds([.. sessions.Select(s => s.Id)]);
        var now = DateTimeOffset.UtcNow;
        var table = new Table("ID", "HARNESS", "STATUS", "ACTIVITY", "TITLE", "AGE", "PROJECT");
        foreach (var s in sessions)
        {
            var status = s.Status;
            if (s.Status == "failed" && s.ExitSignal is { Length: > 0 })
            {
                status = $"failed ({s.ExitSignal})";
            }
            else if (s.Status == "failed" && s.ExitCode is { } code)
            {
                status = $"failed (exit {code})";
            }

            table.Add(
                (shortIds[s.Id], string.Empty),
                (s.Harness, string.Empty),
                (status, Ansi.StatusStyle(s.Status)),
                (s.Status != "live" ? "-" : string.IsNullOrEmpty(s.Activity) ? SessionActivity.Unknown : s.Activity, string.Empty),
                (TextWidth.Truncate(s.Title, 48), string.Empty),
                (Format.Age(s.CreatedAt, now), string.Empty),
                (Format.TildePath(s.ProjectRoot, context.UserHome), string.Empty));
        }

        table.Write(context.Out, context.Console.Color);
    }

    private static string ActivityOf(System.Text.Json.JsonElement record) =>
        record.TryGetProperty("activity", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.String ? a.GetString()! : SessionActivity.Unknown;

    private static List<string> Split(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];
}
