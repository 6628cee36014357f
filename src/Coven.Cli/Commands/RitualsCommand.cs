using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven rituals list|add|remove|run</c>: ritual schedules kept and run by the daemon.</summary>
internal static class RitualsCommand
{
    private static readonly string[] s_rituals = ["archive", "sacrifice", "prune-worktrees", "prune-store"];

    /// <summary>Rituals that delete for good: confirmed on a terminal, --yes otherwise.</summary>
    private static readonly string[] s_destructive = ["sacrifice", "prune-worktrees", "prune-store"];
    private static readonly string[] s_statuses = ["pending", "live", "finished", "failed", "orphaned", "archived"];

    public static void Add(CliApp app)
    {
        var command = new Command(
            "rituals",
            "Scheduled rituals: archive or sacrifice sessions matching a selector, prune the worktrees of ended sessions\n"
            + "(prune-worktrees) or apply the store's retention bounds (prune-store), on a period.\n\n"
            + "Examples:\n"
            + "  coven rituals add archive --status finished,failed --older-than 7d --every 1h\n"
            + "  coven rituals add prune-worktrees --older-than 14d --every 1d --yes\n"
            + "  coven rituals list\n"
            + "  coven rituals run <schedule-id>");
        command.Add(List(app));
        command.Add(AddSchedule(app));
        command.Add(Remove(app));
        command.Add(RunNow(app));
        app.Root.Add(command);
    }

    private static Command List(CliApp app)
    {
        var json = Common.JsonOption("Print {\"schedules\": [...]} as the API returns it");
        var command = new Command("list", "List ritual schedules.\n\nExample:\n  coven rituals list") { json };
        command.Aliases.Add("ls");
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var list = await client.GetAsync("api/v1/rituals/schedules", CovenJsonContext.Default.RitualSchedulesResponse, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, list, CovenJsonContext.Default.RitualSchedulesResponse);
                return ExitCodes.Ok;
            }

            if (list.Schedules.Count == 0)
            {
                context.Error.WriteLine("no ritual schedules");
                return ExitCodes.Ok;
            }

            var table = new Table("ID", "RITUAL", "EVERY", "SELECTOR", "ENABLED", "LAST RUN", "NEXT RUN");
            var now = DateTimeOffset.UtcNow;
            foreach (var s in list.Schedules)
            {
                table.Add(
                    s.Id,
                    s.Ritual,
                    s.Every ?? (s.Cron is null ? "-" : "cron " + s.Cron),
                    s.Ritual == "prune-store" ? "retention.json" : Describe(s.Selector, context.UserHome),
                    s.Enabled ? "yes" : "no",
                    s.LastRunAt is null ? "never" : Format.Age(s.LastRunAt, now) + " ago",
                    s.NextRunAt ?? "-");
            }

            table.Write(context.Out, context.Console.Color);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddSchedule(CliApp app)
    {
        var ritual = new Argument<string?>("ritual") { Description = "archive, sacrifice, prune-worktrees or prune-store", Arity = ArgumentArity.ZeroOrOne };
        var defaults = new Option<bool>("--defaults") { Description = "Install the shipped default schedules (workflows/rituals.default.json); idempotent" };
        var status = new Option<string?>("--status") { Description = "Statuses to select (comma list), e.g. finished,failed", HelpName = "list" };
        var olderThan = new Option<string?>("--older-than") { Description = "Only sessions last updated longer ago than this, e.g. 7d", HelpName = "duration" };
        var every = new Option<string?>("--every") { Description = "Run period, e.g. 1h", HelpName = "duration" };
        var cron = new Option<string?>("--cron") { Description = "Quartz cron expression instead of --every", HelpName = "expr" };
        var harness = new Option<string?>("--harness") { Description = "Only sessions of this harness" };
        var root = new Option<string?>("--root") { Description = "Only sessions of this project root", HelpName = "dir" };
        var disabled = new Option<bool>("--disabled") { Description = "Create the schedule disabled" };
        var force = new Option<bool>("--force") { Description = "prune-worktrees: also remove dirty worktrees and delete unmerged branches" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask to confirm a sacrifice or prune schedule (required when stdin is not a terminal)" };
        var json = Common.JsonOption("Print the created schedule");
        var command = new Command(
            "add",
            "Schedule a ritual. Rituals never touch live sessions.\n\n"
            + "Examples:\n"
            + "  coven rituals add archive --status finished,failed --older-than 7d --every 1h\n"
            + "  coven rituals add sacrifice --status archived --older-than 90d --every 1d\n"
            + "  coven rituals add prune-worktrees --older-than 14d --every 1d\n"
            + "  coven rituals add prune-store --every 6h\n"
            + "  coven rituals add --defaults\n\n"
            + "A sacrifice schedule deletes sessions for good: it needs a selector (--status, --older-than, --harness or\n"
            + "--root) and a confirmation (--yes when stdin is not a terminal). prune-worktrees removes the worktrees of\n"
            + "sessions ended longer ago than --older-than (required) and orphaned ones, keeping dirty worktrees and\n"
            + "unmerged branches unless --force; prune-store applies retention.json (no selector). Both are confirmed too.")
        {
            ritual, defaults, status, olderThan, every, cron, harness, root, disabled, force, yes, json,
        };
        foreach (var o in new[] { olderThan, every })
        {
            o.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<string?>() is { } v && !Durations.TryParse(v, out _))
                {
                    r.AddError($"invalid duration '{v}' for {r.Option.Name} (e.g. 30m, 12h, 7d)");
                }
            });
        }

        status.Validators.Add(r =>
        {
            foreach (var s in Split(r.GetValueOrDefault<string?>()))
            {
                if (!s_statuses.Contains(s))
                {
                    r.AddError($"unknown status '{s}'");
                }
            }
        });
        command.Validators.Add(r =>
        {
            if (r.GetValue(defaults))
            {
                if (r.GetValue(ritual) is not null || r.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => o.Option != defaults && o.Option != json && !o.Implicit))
                {
                    r.AddError("--defaults takes no ritual and no other options");
                }

                return;
            }

            if (r.GetValue(ritual) is not { } name)
            {
                r.AddError("give a ritual (" + string.Join(", ", s_rituals) + ") or --defaults");
            }
            else if (!s_rituals.Contains(name))
            {
                r.AddError($"unknown ritual '{name}' ({string.Join(", ", s_rituals)})");
            }

            if (r.GetValue(ritual) == "prune-worktrees" && r.GetResult(olderThan) is null or { Implicit: true })
            {
                r.AddError("a prune-worktrees schedule needs --older-than: the age of the ended sessions whose worktrees it removes");
            }

            if (r.GetValue(ritual) == "prune-store" && new Option[] { status, olderThan, harness, root, force }.Any(o => r.GetResult(o) is { Implicit: false }))
            {
                r.AddError("prune-store takes no selector: it applies the bounds of retention.json");
            }

            if (r.GetResult(force) is { Implicit: false } && r.GetValue(ritual) != "prune-worktrees")
            {
                r.AddError("--force applies to prune-worktrees only");
            }

            if (r.GetValue(ritual) == "sacrifice" && new Option[] { status, olderThan, harness, root }.All(o => r.GetResult(o) is null or { Implicit: true }))
            {
                r.AddError("a sacrifice schedule needs a selector (--status, --older-than, --harness or --root): without one it would delete every ended session of every project");
            }

            var hasEvery = r.GetResult(every) is { Implicit: false };
            var hasCron = r.GetResult(cron) is { Implicit: false };
            if (hasEvery == hasCron)
            {
                r.AddError("give exactly one of --every or --cron");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            if (parse.GetValue(defaults))
            {
                var installed = await context.ConnectAsync(ct);
                var listBody = await installed.SendAsync(HttpVerb.Post, "api/v1/rituals/schedules/defaults", "{}", ct);
                var all = Api.CovenClient.Deserialize(listBody, CovenJsonContext.Default.RitualSchedulesResponse);
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(context.Out, all, CovenJsonContext.Default.RitualSchedulesResponse);
                }
                else
                {
                    foreach (var schedule in all.Schedules)
                    {
                        context.Out.WriteLine(schedule.Id);
                    }
                }

                return ExitCodes.Ok;
            }

            var statuses = Split(parse.GetValue(status));
            var request = new RitualScheduleRequest
            {
                Ritual = parse.GetValue(ritual),
                Every = parse.GetValue(every),
                Cron = parse.GetValue(cron),
                Enabled = parse.GetValue(disabled) ? false : null,
                Selector = new RitualSelectorDto
                {
                    Statuses = statuses.Count > 0 ? statuses : null,
                    OlderThan = parse.GetValue(olderThan),
                    Harness = parse.GetValue(harness),
                    ProjectRoot = parse.GetValue(root) is { Length: > 0 } r ? Path.GetFullPath(r) : null,
                    Force = parse.GetValue(force) ? true : null,
                },
            };
            var when = request.Every is { } e ? "every " + e : "on cron " + request.Cron;
            var question = request.Ritual switch
            {
                "sacrifice" => $"Schedule a sacrifice of {Describe(request.Selector!, context.UserHome)} sessions {when}? Matching sessions are deleted for good.",
                "prune-worktrees" => $"Schedule removing the worktrees of {Describe(request.Selector!, context.UserHome)} sessions {when}?{(request.Selector!.Force == true ? " With --force, uncommitted changes and unmerged branches are deleted too." : string.Empty)}",
                "prune-store" => $"Schedule applying retention.json {when}? Output beyond its bounds is deleted for good.",
                _ => null,
            };
            if (question is not null && !parse.GetValue(yes) && !Confirm(context, question))
            {
                return ExitCodes.Failed;
            }

            var client = await context.ConnectAsync(ct);
            var body = await client.SendAsync(HttpVerb.Post, "api/v1/rituals/schedules", JsonSerializer.Serialize(request, CovenJsonContext.Default.RitualScheduleRequest), ct);
            var created = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.RitualScheduleDto);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, created, CovenJsonContext.Default.RitualScheduleDto);
            }
            else
            {
                context.Out.WriteLine(created.Id);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliApp app)
    {
        var id = new Argument<string>("schedule") { Description = "Schedule id", HelpName = "id" };
        var command = new Command("remove", "Delete a ritual schedule.\n\nExample:\n  coven rituals remove <schedule-id>") { id };
        command.Aliases.Add("rm");
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            await client.SendAsync(HttpVerb.Delete, "api/v1/rituals/schedules/" + Uri.EscapeDataString(parse.GetValue(id)!), null, ct);
            context.Error.WriteLine("removed " + parse.GetValue(id));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RunNow(CliApp app)
    {
        var id = new Argument<string>("schedule") { Description = "Schedule id", HelpName = "id" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print the sessions it would affect; change nothing" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before a sacrifice or prune (required when stdin is not a terminal)" };
        var json = Common.JsonOption("Print {\"affected\": [session ids]}");
        var command = new Command(
            "run",
            "Run a ritual schedule now and print the ids of the sessions it affected.\n"
            + "A sacrifice or prune schedule first shows what it will delete and asks (--yes skips it).\n\n"
            + "Examples:\n"
            + "  coven rituals run <schedule-id>\n"
            + "  coven rituals run <schedule-id> --dry-run")
        {
            id, dryRun, yes, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var path = $"api/v1/rituals/schedules/{Uri.EscapeDataString(parse.GetValue(id)!)}/run";
            async Task<RitualRunResponse> PreviewAsync() =>
                Api.CovenClient.Deserialize(await client.SendAsync(HttpVerb.Post, path + "?dryRun=true", null, ct), CovenJsonContext.Default.RitualRunResponse);

            if (parse.GetValue(dryRun))
            {
                Print(context, parse.GetValue(json), await PreviewAsync(), "would be affected");
                return ExitCodes.Ok;
            }

            var schedules = await client.GetAsync("api/v1/rituals/schedules", CovenJsonContext.Default.RitualSchedulesResponse, ct);
            if (!parse.GetValue(yes) && schedules.Schedules.FirstOrDefault(s => s.Id == parse.GetValue(id)) is { } destructive && s_destructive.Contains(destructive.Ritual))
            {
                var preview = await PreviewAsync();
                if (preview.Affected.Count == 0)
                {
                    Print(context, parse.GetValue(json), preview, "affected");
                    return ExitCodes.Ok;
                }

                foreach (var a in preview.Affected.Take(20))
                {
                    context.Error.WriteLine("  " + a);
                }

                var question = destructive.Ritual switch
                {
                    "sacrifice" => $"Sacrifice these {preview.Affected.Count} session(s)? Their events are deleted for good.",
                    "prune-worktrees" => $"Remove the worktrees of these {preview.Affected.Count} session(s)?",
                    _ => $"Prune the recorded output of these {preview.Affected.Count} session(s)?",
                };
                if (!Confirm(context, question))
                {
                    return ExitCodes.Failed;
                }
            }

            var result = Api.CovenClient.Deserialize(await client.SendAsync(HttpVerb.Post, path, null, ct), CovenJsonContext.Default.RitualRunResponse);
            Print(context, parse.GetValue(json), result, "affected");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(CliContext context, bool json, RitualRunResponse result, string what)
    {
        if (json)
        {
            JsonOutput.Write(context.Out, result, CovenJsonContext.Default.RitualRunResponse);
            return;
        }

        foreach (var a in result.Affected)
        {
            context.Out.WriteLine(a);
        }

        context.Error.WriteLine($"{result.Affected.Count} session(s) {what}");
    }

    /// <summary>y/N on a terminal; without one there is nobody to ask: refused (confirmation_required, exit 2).</summary>
    private static bool Confirm(CliContext context, string question)
    {
        if (!context.Console.InIsTerminal)
        {
            throw new CliException("confirmation_required", "refusing to delete without --yes (stdin is not a terminal)", ExitCodes.Usage);
        }

        context.Error.Write(question + " [y/N] ");
        if (Common.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes")
        {
            return true;
        }

        context.Error.WriteLine("nothing done");
        return false;
    }

    private static string Describe(RitualSelectorDto selector, string? home)
    {
        var parts = new List<string>();
        if (selector.Statuses is { Count: > 0 } st)
        {
            parts.Add("status=" + string.Join(',', st));
        }

        if (selector.OlderThan is { } o)
        {
            parts.Add("older-than=" + o);
        }

        if (selector.Harness is { } h)
        {
            parts.Add("harness=" + h);
        }

        if (selector.ProjectRoot is { } r)
        {
            parts.Add("root=" + Format.TildePath(r, home));
        }

        if (selector.Force == true)
        {
            parts.Add("force");
        }

        return parts.Count == 0 ? "(all ended)" : string.Join(' ', parts);
    }

    private static List<string> Split(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];
}
