using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary>The manual rituals: archive, summon, sacrifice.</summary>
internal static class RitualCommands
{
    public static void Add(CliApp app)
    {
        AddSimple(app, "archive", "Archive an ended session: hidden from 'coven ls', events kept; 'coven summon' brings it back.\n\nExample:\n  coven archive 0193a5f0");
        AddSimple(app, "summon", "Bring an archived session back to the status it had.\n\nExample:\n  coven summon 0193a5f0");
        AddSacrifice(app);
    }

    private static void AddSimple(CliApp app, string ritual, string description)
    {
        var session = Common.SessionArgument();
        var json = Common.JsonOption("Print the updated SessionDto record");
        var command = new Command(ritual, description) { session, json };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var body = await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, ritual), null, ct);
            var updated = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.SessionDto);
            if (parse.GetValue(json))
            {
                Common.WriteSession(context, updated);
            }
            else
            {
                context.Out.WriteLine($"{(ritual == "archive" ? "archived" : "summoned")} {updated.Id} ({Common.Paint(context, Ansi.StatusStyle(updated.Status), updated.Status)})");
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    private static void AddSacrifice(CliApp app)
    {
        var session = Common.SessionArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (required when stdin is not a terminal)" };
        var json = Common.JsonOption("Print {\"sacrificed\": id, \"eventsDeleted\": n}");
        var deleteBranch = new Option<bool>("--delete-branch") { Description = "A worktree session: delete its branch even when not merged (the worktree is always removed)" };
        var command = new Command(
            "sacrifice",
            "Delete an ended session and all its events, permanently. Asks y/N on a terminal; needs --yes otherwise.\n\n"
            + "Examples:\n"
            + "  coven sacrifice 0193a5f0\n"
            + "  coven sacrifice 0193a5f0 --yes")
        {
            session, yes, json, deleteBranch,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            if (!parse.GetValue(yes))
            {
                if (!context.Console.InIsTerminal)
                {
                    throw new CliException("confirmation_required", $"refusing to sacrifice {s.Id} without --yes (stdin is not a terminal)", ExitCodes.Usage);
                }

                context.Error.Write($"Sacrifice session {s.Id} ({TextWidth.Truncate(s.Title, 40)}, {s.Status})? Its events are deleted for good. [y/N] ");
                var answer = Common.ReadLine()?.Trim().ToLowerInvariant();
                if (answer is not ("y" or "yes"))
                {
                    context.Error.WriteLine("not sacrificed");
                    return ExitCodes.Failed;
                }
            }

            var body = JsonSerializer.Serialize(new SacrificeRequest { Confirm = true, DeleteBranch = parse.GetValue(deleteBranch) ? true : null }, CovenJsonContext.Default.SacrificeRequest);
            var answerBody = await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "sacrifice"), body, ct);
            var result = Api.CovenClient.Deserialize(answerBody, CovenJsonContext.Default.SacrificeResponse);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, result, CovenJsonContext.Default.SacrificeResponse);
            }
            else
            {
                context.Out.WriteLine($"sacrificed {result.Sacrificed} ({result.EventsDeleted} events deleted)");
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }
}
