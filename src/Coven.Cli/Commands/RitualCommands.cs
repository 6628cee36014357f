using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary>The manual rituals: archive, summon, sacrifice (each on one session, several, or a filtered set).</summary>
internal static class RitualCommands
{
    public static void Add(CliApp app)
    {
        AddSimple(
            app,
            "archive",
            new SessionSelection("archive", "finished", "failed", "orphaned"),
            "Archive ended sessions: hidden from 'coven ls', events kept; 'coven summon' brings them back.\n\n"
            + "Examples:\n  coven archive 0193a5f0\n  coven archive 3f2a9c 7be01d\n  coven archive --status finished --project .");
        AddSimple(
            app,
            "summon",
            new SessionSelection("summon", "archived"),
            "Bring archived sessions back to the status they had.\n\nExamples:\n  coven summon 0193a5f0\n  coven summon --all");
        AddSacrifice(app);
    }

    private static void AddSimple(CliApp app, string ritual, SessionSelection selection, string description)
    {
        var json = Common.JsonOption("Print the updated SessionDto record (one per line for several)");
        var command = new Command(ritual, description) { json };
        selection.AddTo(command);
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, sessions, _) = await selection.SelectAsync(context, parse, ct);
            if (sessions.Count == 0)
            {
                context.Error.WriteLine($"no sessions to {ritual}");
                return ExitCodes.Ok;
            }

            return await SessionSelection.ForEachAsync(app, sessions, async s =>
            {
                var body = await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, ritual), null, ct);
                var updated = CovenClient.Deserialize(body, CovenJsonContext.Default.SessionDto);
                if (parse.GetValue(json))
                {
                    Common.WriteSession(context, updated);
                }
                else
                {
                    context.Out.WriteLine($"{(ritual == "archive" ? "archived" : "summoned")} {updated.Id} ({Common.Paint(context, Ansi.StatusStyle(updated.Status), updated.Status)})");
                }
            });
        });
        app.Root.Add(command);
    }

    private static void AddSacrifice(CliApp app)
    {
        var selection = new SessionSelection("sacrifice", "finished", "failed", "orphaned", "archived");
        var json = Common.JsonOption("Print {\"sacrificed\": id, \"eventsDeleted\": n} (one per line for several)");
        var deleteBranch = new Option<bool>("--delete-branch") { Description = "A worktree session: delete its branch even when not merged (the worktree is always removed)" };
        var command = new Command(
            "sacrifice",
            "Delete ended sessions and all their events, permanently. Asks y/N on a terminal; needs --yes otherwise.\n\n"
            + "Examples:\n"
            + "  coven sacrifice 0193a5f0\n"
            + "  coven sacrifice 0193a5f0 --yes\n"
            + "  coven sacrifice --status archived --project . --yes")
        {
            json, deleteBranch,
        };
        selection.AddTo(command);
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, sessions, _) = await selection.SelectAsync(context, parse, ct);
            if (sessions.Count == 0)
            {
                context.Error.WriteLine("no sessions to sacrifice");
                return ExitCodes.Ok;
            }

            if (!selection.Confirm(context, parse, sessions, sessions.Count == 1 ? "Its events are deleted for good." : "Their events are deleted for good."))
            {
                return ExitCodes.Failed;
            }

            var body = JsonSerializer.Serialize(new SacrificeRequest { Confirm = true, DeleteBranch = parse.GetValue(deleteBranch) ? true : null }, CovenJsonContext.Default.SacrificeRequest);
            return await SessionSelection.ForEachAsync(app, sessions, async s =>
            {
                var answerBody = await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "sacrifice"), body, ct);
                var result = CovenClient.Deserialize(answerBody, CovenJsonContext.Default.SacrificeResponse);
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(context.Out, result, CovenJsonContext.Default.SacrificeResponse);
                }
                else
                {
                    context.Out.WriteLine($"sacrificed {result.Sacrificed} ({result.EventsDeleted} events deleted)");
                }
            });
        });
        app.Root.Add(command);
    }
}
