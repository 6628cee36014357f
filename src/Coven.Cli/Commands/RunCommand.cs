using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Attach;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class RunCommand
{
    public static void Add(CliApp app)
    {
        var harness = new Argument<string?>("harness") { Description = "Familiar or harness id: codex, claude, a familiar (coven familiars), or a harness registered in harnesses.json; default: the project's active familiar", Arity = ArgumentArity.ZeroOrOne, HelpName = "familiar" };
        var prompt = new Argument<string?>("prompt") { Description = "The prompt (passed as one argument, never through a shell)", Arity = ArgumentArity.ZeroOrOne };
        var promptOption = new Option<string?>("--prompt", "-p") { Description = "The prompt, when the familiar is omitted (coven run -p \"fix tests\")" };
        var cwd = new Option<string?>("--cwd") { Description = "Working directory: relative to the project root, or absolute (must be inside it); default: the current directory when it is inside the root, else the root", HelpName = "dir" };
        var root = new Option<string?>("--root") { Description = "Project root (default: the enclosing git work tree, else the current directory)", HelpName = "dir" };
        var title = new Option<string?>("--title") { Description = "Session title (default: a short form of the prompt)" };
        var model = new Option<string?>("--model") { Description = "Model to ask the harness for" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set a variable for the harness (NAME=VALUE, or NAME to pass this shell's value); repeatable", HelpName = "name=value" };
        var envClear = new Option<bool>("--env-clear") { Description = "Start the harness with only the --env variables instead of this shell's environment" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the session id and return instead of attaching" };
        var json = Common.JsonOption("With --detach: print the session record as JSON instead of the id");
        var detachKey = Common.DetachKeyOption();
        var worktree = new Option<bool>("--worktree") { Description = "Run in a new git worktree on branch coven/<short-id> (see coven diff, coven merge)" };
        var noWorktree = new Option<bool>("--no-worktree") { Description = "Run in the project itself even when the familiar's default is a worktree" };
        var baseRef = new Option<string?>("--base") { Description = "With --worktree: the ref the branch starts from (default HEAD)", HelpName = "ref" };
        var command = new Command(
            "run",
            "Launch a harness as a new session and attach to it (or --detach).\n"
            + "Attached, coven exits with the harness's exit code when the session ends; the detach key (Ctrl-] by default) leaves it running.\n\n"
            + "Examples:\n"
            + "  coven run codex \"fix the failing tests\"\n"
            + "  coven run claude --cwd packages/api --title api-review -d\n"
            + "  coven run scout \"find why CI is red\"        a familiar (coven familiars add scout --harness claude)\n"
            + "  coven run -p \"fix the tests\"                 the project's active familiar (coven cast '~>scout')")
        {
            harness, prompt, promptOption, cwd, root, title, model, env, envClear, detach, json, detachKey, worktree, noWorktree, baseRef,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var key = Common.ParseDetachKey(parse.GetValue(detachKey));
            var projectRoot = context.Remote is { } remote
                ? RemoteRoot(parse.GetValue(root), remote.Address)
                : parse.GetValue(root) is { Length: > 0 } r ? Path.GetFullPath(r) : ProjectRoot.Find(Environment.CurrentDirectory);
            int? cols = null, rows = null;
            if (context.Console.OutIsTerminal && RawTerminal.TryGetSize(1, out var c, out var rw))
            {
                cols = c;
                rows = rw;
            }

            if (parse.GetValue(prompt) is not null && parse.GetValue(promptOption) is not null)
            {
                throw CliException.Usage("give the prompt either as an argument or with --prompt, not both");
            }

            if (parse.GetValue(worktree) && parse.GetValue(noWorktree))
            {
                throw CliException.Usage("give --worktree or --no-worktree, not both");
            }

            var client = await context.ConnectAsync(ct);
            var familiar = parse.GetValue(harness) is { Length: > 0 } named ? named : await ActiveFamiliarAsync(client, projectRoot, ct);
            var request = new LaunchRequest
            {
                Familiar = familiar,
                Prompt = parse.GetValue(prompt) ?? parse.GetValue(promptOption),
                ProjectRoot = projectRoot,
                Cwd = parse.GetValue(cwd) ?? DefaultCwd(projectRoot),
                Title = parse.GetValue(title),
                Model = parse.GetValue(model),
                Cols = cols,
                Rows = rows,
                Worktree = parse.GetValue(worktree) ? true : parse.GetValue(noWorktree) ? false : null,
                Base = parse.GetValue(baseRef),
                Environment = LaunchEnvironment.Build(parse.GetValue(envClear), parse.GetValue(env) ?? []),
            };
            var body = await client.SendAsync(HttpVerb.Post, "api/v1/sessions", Api.LaunchRequestJson.Serialize(request), ct);
            if (parse.GetValue(detach) && !parse.GetValue(json))
            {
                // Only the id is printed: read it without building the serializer's metadata for SessionDto.
                context.Out.WriteLine(SessionIdOf(body));
                return ExitCodes.Ok;
            }

            var session = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.SessionDto);
            if (parse.GetValue(detach))
            {
                Common.WriteSession(context, session);
                return ExitCodes.Ok;
            }

            if (context.Console.InIsTerminal)
            {
                context.Error.WriteLine($"[attached to session {session.Id}; {DetachKey.Describe(key)} detaches]");
            }

            return await Attacher.RunAsync(context, client, session, key, ct, endInputAtEof: true);
        }, longRunningIf: parse => !parse.GetValue(detach));
        app.Root.Add(command);
    }

    /// <summary>The <c>id</c> of the daemon's SessionDto answer; <c>bad_response</c> when it has none.</summary>
    private static string SessionIdOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && Sessions.SessionResolver.IdOf(doc.RootElement) is { Length: > 0 } id
                ? id
                : throw new CliException("bad_response", "the daemon's answer is not a valid SessionDto: no id");
        }
        catch (JsonException e)
        {
            throw new CliException("bad_response", "the daemon's answer is not a valid SessionDto: " + e.Message);
        }
    }

    /// <summary>The caller's directory when it is inside the root (as tmux and docker start where you are), else the root.</summary>
    private static string? DefaultCwd(string projectRoot)
    {
        var here = Environment.CurrentDirectory;
        var canonicalHere = PathPolicy.TryCanonicalize(here, out var h) ? h : here;
        var canonicalRoot = PathPolicy.TryCanonicalize(projectRoot, out var r) ? r : projectRoot;
        return PathPolicy.IsInside(canonicalRoot, canonicalHere) ? canonicalHere : null;
    }

    /// <summary>The project's active familiar (set with <c>coven cast '~&gt;NAME'</c>); none is an error, never a guess.</summary>
    private static async Task<string> ActiveFamiliarAsync(Api.CovenClient client, string projectRoot, CancellationToken ct)
    {
        var familiars = await client.GetAsync("api/v1/familiars?projectRoot=" + Uri.EscapeDataString(projectRoot), CovenJsonContext.Default.FamiliarsResponse, ct);
        return familiars.Active ?? throw new CliException(
            CastErrorCodes.NoActiveFamiliar,
            $"no harness given and {familiars.ProjectRoot ?? projectRoot} has no active familiar; name one (coven run codex) or set one (coven cast '~>NAME')",
            ExitCodes.Usage);
    }

    /// <summary>On another host the project root is a path there: this machine's directories mean nothing to it.</summary>
    private static string RemoteRoot(string? root, string host) =>
        root is { Length: > 0 } && root.StartsWith('/')
            ? root
            : throw CliException.Usage($"with a remote host ({host}) give --root as an absolute path on that host");
}
