using System.Text.Json;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;
using Coven.Core.Cast;

namespace Coven.Cli.Commands;

/// <summary>Human output of a cast, by the action it ran (the JSON form is the API's answer as is).</summary>
internal static class CastOutput
{
    public static void Write(CliContext context, CastResponse response)
    {
        if (response.Result is not { } result)
        {
            context.Error.WriteLine($"{response.Action}: done");
            return;
        }

        switch (response.Cast.Kind)
        {
            case "status":
                Status(context, result.Deserialize(CovenJsonContext.Default.CastStatusResponse)!);
                break;
            case "switch":
                var active = result.Deserialize(CovenJsonContext.Default.ActiveFamiliarResponse)!;
                context.Out.WriteLine($"active familiar for {Format.TildePath(active.ProjectRoot, context.UserHome)}: {active.Active}{(active.Familiar is { } f && f.Harness != f.Name ? $" ({f.Harness})" : string.Empty)}");
                break;
            case "delegate":
                Launched(context, result.Deserialize(CovenJsonContext.Default.SessionDto)!, "delegated to");
                break;
            case "resume":
                var resumed = result.Deserialize(CovenJsonContext.Default.SessionDto)!;
                Launched(context, resumed, "resumed " + resumed.ResumedFrom + " as");
                ResumedConversation(context, resumed);
                break;
            case "broadcast":
                Broadcast(context, result.Deserialize(CovenJsonContext.Default.BroadcastResponse)!);
                break;
            case "handoff" when response.Cast.Name is not null:
                var handed = result.Deserialize(CovenJsonContext.Default.HandoffLaunchResponse)!;
                Launched(context, handed.Session, $"handed off {handed.Handoff.Session.Id} to");
                break;
            case "handoff":
                context.Out.Write(HandoffPrompt.Render(result.Deserialize(CovenJsonContext.Default.HandoffDocument)!));
                break;
            default:
                JsonOutput.WriteRaw(context.Out, result.GetRawText());
                break;
        }
    }

    public static void Launched(CliContext context, SessionDto session, string verb)
    {
        context.Error.WriteLine($"{verb} {session.Familiar ?? session.Harness}{(session.Familiar is { } f && f != session.Harness ? $" ({session.Harness})" : string.Empty)}: session {session.Id} is {session.Status}");
        context.Out.WriteLine(session.Id);
    }

    /// <summary>Which conversation a resumed harness continues: the old session's own, or (id unknown) its latest in that folder.</summary>
    public static void ResumedConversation(CliContext context, SessionDto resumed) =>
        context.Error.WriteLine(resumed.ConversationId is { } conversation
            ? $"resumed {resumed.ResumedFrom} as {resumed.Id}: conversation {conversation}"
            : $"resumed {resumed.ResumedFrom} as {resumed.Id}: its conversation id is unknown, so {resumed.Harness} continues its latest conversation in {resumed.Cwd}");

    private static void Status(CliContext context, CastStatusResponse status)
    {
        if (status.Session is { } one)
        {
            var table = Table();
            Row(table, one, one.Familiar ?? one.Harness, [one.Id]);
            table.Write(context.Out, context.Console.Color);
            return;
        }

        var sessions = status.Groups.SelectMany(g => g.Sessions.Select(s => (g.Familiar, Session: s))).ToList();
        if (sessions.Count == 0)
        {
            context.Error.WriteLine($"no sessions{(status.Groups.Count == 1 ? " of " + status.Groups[0].Familiar : " live")} in {Format.TildePath(status.ProjectRoot ?? ".", context.UserHome)}");
        }
        else
        {
            var table = Table();
            var ids = sessions.Select(s => s.Session.Id).ToList();
            foreach (var (familiar, session) in sessions)
            {
                Row(table, session, familiar, ids);
            }

            table.Write(context.Out, context.Console.Color);
        }

        if (status.Active is { } active)
        {
            context.Error.WriteLine($"active familiar: {active}");
        }
    }

    private static Table Table() => new("FAMILIAR", "ID", "STATUS", "AGE", "TITLE");

    private static void Row(Table table, SessionDto s, string familiar, IReadOnlyList<string> ids)
    {
        var shortIds = SessionResolver.ShortIds(ids);
        table.Add(
            (familiar, string.Empty),
            (shortIds.GetValueOrDefault(s.Id, s.Id), string.Empty),
            (s.Status, Ansi.StatusStyle(s.Status)),
            (Format.Age(s.CreatedAt, DateTimeOffset.UtcNow), string.Empty),
            (TextWidth.Truncate(s.Title, 50), string.Empty));
    }

    private static void Broadcast(CliContext context, BroadcastResponse broadcast)
    {
        var targets = broadcast.Familiars.Count == 0 ? "every live session" : "live sessions of " + string.Join(", ", broadcast.Familiars);
        if (broadcast.Results.Count == 0)
        {
            context.Error.WriteLine($"no {targets[(targets.StartsWith("every", StringComparison.Ordinal) ? 6 : 0)..]} in {Format.TildePath(broadcast.ProjectRoot, context.UserHome)}: nothing sent");
            return;
        }

        foreach (var r in broadcast.Results)
        {
            context.Out.WriteLine(r.Delivered
                ? $"{r.SessionId}  {r.Familiar}  delivered"
                : $"{r.SessionId}  {r.Familiar}  not delivered: {r.Error?.Message} ({r.Error?.Code})");
        }

        context.Error.WriteLine($"sent to {broadcast.Delivered} of {broadcast.Results.Count} ({targets})");
        if (broadcast.Delivered < broadcast.Results.Count)
        {
            throw new CliException("broadcast_incomplete", $"{broadcast.Results.Count - broadcast.Delivered} session(s) did not get the text", ExitCodes.Failed);
        }
    }
}
