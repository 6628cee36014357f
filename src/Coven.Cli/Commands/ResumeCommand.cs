using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Attach;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary>
/// <c>coven resume [id]</c>: a new session continuing an ended one with the harness's own resume mechanism
/// (<c>codex resume --last</c>, <c>claude --continue</c>), linked by resumedFrom; attaches like <c>coven run</c>.
/// </summary>
internal static class ResumeCommand
{
    public static void Add(CliApp app)
    {
        var session = new Argument<string?>("session") { Description = "Session id or unique prefix (default: the project's most recently ended session)", HelpName = "id", Arity = ArgumentArity.ZeroOrOne };
        var root = new Option<string?>("--root") { Description = "Project root for the default session (default: the enclosing git work tree, else the current directory)", HelpName = "dir" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the new session id and return instead of attaching" };
        var json = Common.JsonOption("With --detach: print the new session record as JSON");
        var detachKey = Common.DetachKeyOption();
        var command = new Command(
            "resume",
            "Resume an ended session as a new session (resumedFrom links them) and attach to it (or --detach).\n\n"
            + "Examples:\n"
            + "  coven resume\n"
            + "  coven resume 0193a5f0 -d")
        {
            session, root, detach, json, detachKey,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var key = Common.ParseDetachKey(parse.GetValue(detachKey));
            var client = await context.ConnectAsync(ct);
            SessionDto resumed;
            if (parse.GetValue(session) is { Length: > 0 } reference)
            {
                var old = await SessionResolver.ResolveAsync(client, reference, ct);
                var size = new ResizeRequest();
                if (context.Console.OutIsTerminal && RawTerminal.TryGetSize(1, out var c, out var r))
                {
                    size = new ResizeRequest { Cols = c, Rows = r };
                }

                var body = await client.SendAsync(HttpVerb.Post, Common.SessionPath(old, "resume"), JsonSerializer.Serialize(size, CovenJsonContext.Default.ResizeRequest), ct);
                resumed = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.SessionDto);
            }
            else
            {
                var request = new CastRequest { Code = "~^ resume", ProjectRoot = FamiliarsCommand.RootOf(parse.GetValue(root)) };
                var body = await client.SendAsync(HttpVerb.Post, "api/v1/cast", JsonSerializer.Serialize(request, CovenJsonContext.Default.CastRequest), ct);
                var response = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.CastResponse);
                resumed = response.Result?.Deserialize(CovenJsonContext.Default.SessionDto)
                    ?? throw new CliException("bad_response", "the daemon's answer has no session");
            }

            CastOutput.ResumedConversation(context, resumed);
            if (parse.GetValue(detach))
            {
                if (parse.GetValue(json))
                {
                    Common.WriteSession(context, resumed);
                }
                else
                {
                    context.Out.WriteLine(resumed.Id);
                }

                return ExitCodes.Ok;
            }

            if (context.Console.InIsTerminal)
            {
                context.Error.WriteLine($"[{DetachKey.Describe(key)} detaches]");
            }

            return await Attacher.RunAsync(context, client, resumed, key, ct);
        }, longRunning: true);
        app.Root.Add(command);
    }
}
