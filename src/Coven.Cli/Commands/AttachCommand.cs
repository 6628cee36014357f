using System.CommandLine;
using Coven.Cli.Attach;
using Coven.Cli.Output;

namespace Coven.Cli.Commands;

internal static class AttachCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var detachKey = Common.DetachKeyOption();
        var command = new Command(
            "attach",
            "Attach the terminal to a live session: see its screen, type into it.\n"
            + "Ctrl-] (or --detach-key) detaches and leaves the session running. Exits with the harness's code if the session ends while attached.\n\n"
            + "Examples:\n"
            + "  coven attach 0193a5f0\n"
            + "  coven attach 0193a5f0 --detach-key ctrl-q")
        {
            session, detachKey,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var key = Common.ParseDetachKey(parse.GetValue(detachKey));
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            if (s.Status is not ("live" or "pending"))
            {
                throw new CliException(
                    "session_not_live",
                    $"session {s.Id} has ended ({Format.Ending(s.Status, s.ExitCode, s.ExitSignal)}); see 'coven logs {s.Id[..8]}'");
            }

            if (context.Console.InIsTerminal)
            {
                context.Error.WriteLine($"[attached to session {s.Id}; {DetachKey.Describe(key)} detaches]");
            }

            return await Attacher.RunAsync(context, client, s, key, ct);
        }, longRunning: true);
        app.Root.Add(command);
    }
}
