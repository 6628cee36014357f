using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Attach;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class RunCommand
{
    public static void Add(CliApp app)
    {
        var harness = new Argument<string>("harness") { Description = "Harness id: codex, claude, or one registered in harnesses.json" };
        var prompt = new Argument<string?>("prompt") { Description = "The prompt (passed as one argument, never through a shell)", Arity = ArgumentArity.ZeroOrOne };
        var cwd = new Option<string?>("--cwd") { Description = "Working directory: relative to the project root, or absolute (must be inside it)", HelpName = "dir" };
        var root = new Option<string?>("--root") { Description = "Project root (default: the enclosing git work tree, else the current directory)", HelpName = "dir" };
        var title = new Option<string?>("--title") { Description = "Session title (default: a short form of the prompt)" };
        var model = new Option<string?>("--model") { Description = "Model to ask the harness for" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the session id and return instead of attaching" };
        var json = Common.JsonOption("With --detach: print the session record as JSON instead of the id");
        var detachKey = Common.DetachKeyOption();
        var command = new Command(
            "run",
            "Launch a harness as a new session and attach to it (or --detach).\n"
            + "Attached, coven exits with the harness's exit code when the session ends; the detach key (Ctrl-] by default) leaves it running.\n\n"
            + "Examples:\n"
            + "  coven run codex \"fix the failing tests\"\n"
            + "  coven run claude --cwd packages/api --title api-review -d")
        {
            harness, prompt, cwd, root, title, model, detach, json, detachKey,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var key = Common.ParseDetachKey(parse.GetValue(detachKey));
            var projectRoot = parse.GetValue(root) is { Length: > 0 } r ? Path.GetFullPath(r) : ProjectRoot.Find(Environment.CurrentDirectory);
            int? cols = null, rows = null;
            if (context.Console.OutIsTerminal && RawTerminal.TryGetSize(1, out var c, out var rw))
            {
                cols = c;
                rows = rw;
            }

            var request = new LaunchRequest
            {
                Harness = parse.GetValue(harness),
                Prompt = parse.GetValue(prompt),
                ProjectRoot = projectRoot,
                Cwd = parse.GetValue(cwd),
                Title = parse.GetValue(title),
                Model = parse.GetValue(model),
                Cols = cols,
                Rows = rows,
            };
            var client = await context.ConnectAsync(ct);
            var body = await client.SendAsync(HttpMethod.Post, "api/v1/sessions", JsonSerializer.Serialize(request, CovenJsonContext.Default.LaunchRequest), ct);
            var session = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.SessionDto);
            if (parse.GetValue(detach))
            {
                if (parse.GetValue(json))
                {
                    Common.WriteSession(context, session);
                }
                else
                {
                    context.Out.WriteLine(session.Id);
                }

                return ExitCodes.Ok;
            }

            if (context.Console.InIsTerminal)
            {
                context.Error.WriteLine($"[attached to session {session.Id}; {DetachKey.Describe(key)} detaches]");
            }

            return await Attacher.RunAsync(context, client, session, key, ct);
        }, longRunning: true);
        app.Root.Add(command);
    }
}
