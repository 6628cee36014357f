using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven familiars list|add|remove</c>: named agent identities stored by the daemon.</summary>
internal static class FamiliarsCommand
{
    public static void Add(CliApp app)
    {
        var command = new Command(
            "familiars",
            "Familiars: named agent identities (a harness plus optional model and extra arguments).\n"
            + "The built-in harness ids (codex, claude) are familiars too. Make one the project's default with\n"
            + "coven cast '~>NAME'; coven run without a harness then launches it.\n\n"
            + "Examples:\n"
            + "  coven familiars add scout --harness claude\n"
            + "  coven familiars add builder --harness codex --model gpt-5-codex -- --full-auto\n"
            + "  coven familiars list\n"
            + "  coven familiars remove scout");
        command.Add(List(app));
        command.Add(AddFamiliar(app));
        command.Add(Remove(app));
        app.Root.Add(command);
    }

    private static Command List(CliApp app)
    {
        var json = Common.JsonOption("Print {\"familiars\": [...], \"projectRoot\", \"active\"} as the API returns it");
        var root = new Option<string?>("--root") { Description = "Project root whose active familiar to show (default: the enclosing git work tree, else the current directory)", HelpName = "dir" };
        var command = new Command("list", "List familiars; the project's active one is marked.\n\nExample:\n  coven familiars list") { json, root };
        command.Aliases.Add("ls");
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var projectRoot = RootOf(parse.GetValue(root));
            var list = await client.GetAsync("api/v1/familiars?projectRoot=" + Uri.EscapeDataString(projectRoot), CovenJsonContext.Default.FamiliarsResponse, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, list, CovenJsonContext.Default.FamiliarsResponse);
                return ExitCodes.Ok;
            }

            var table = new Table("NAME", "HARNESS", "MODEL", "ARGS", "KIND");
            foreach (var f in list.Familiars)
            {
                var name = f.Name == list.Active ? f.Name + " *" : f.Name;
                table.Add(
                    (name, f.Name == list.Active ? Ansi.Green : string.Empty),
                    (f.Harness, string.Empty),
                    (f.Model ?? "-", string.Empty),
                    (f.Args.Count == 0 ? "-" : string.Join(' ', f.Args.Select(Quote)), string.Empty),
                    (f.BuiltIn ? "built-in" : f.Worktree ? "defined, worktree" : "defined", f.BuiltIn ? Ansi.Dim : string.Empty));
            }

            table.Write(context.Out, context.Console.Color);
            context.Error.WriteLine(list.Active is null
                ? $"no active familiar for {Format.TildePath(list.ProjectRoot ?? projectRoot, context.UserHome)} (set one with: coven cast '~>NAME')"
                : $"* active for {Format.TildePath(list.ProjectRoot ?? projectRoot, context.UserHome)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddFamiliar(CliApp app)
    {
        var name = new Argument<string>("name") { Description = "Familiar name: [a-z0-9][a-z0-9._-], at most 64 characters" };
        var extra = new Argument<string[]>("args") { Description = "Extra harness arguments, after --", Arity = ArgumentArity.ZeroOrMore, HelpName = "args" };
        var harness = new Option<string>("--harness") { Description = "Harness id: codex, claude, or one registered in harnesses.json", Required = true, HelpName = "id" };
        var model = new Option<string?>("--model") { Description = "Model to ask the harness for" };
        var worktree = new Option<bool>("--worktree") { Description = "Its sessions run in their own git worktree by default (coven run --no-worktree opts out)" };
        var json = Common.JsonOption("Print the FamiliarDto record");
        var command = new Command(
            "add",
            "Define (or redefine) a familiar.\n\n"
            + "Examples:\n"
            + "  coven familiars add scout --harness claude\n"
            + "  coven familiars add builder --harness codex --model gpt-5-codex -- --full-auto\n"
            + "  coven familiars add parallel --harness claude --worktree")
        {
            name, extra, harness, model, worktree, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var request = new FamiliarRequest
            {
                Name = parse.GetValue(name),
                Harness = parse.GetValue(harness),
                Model = parse.GetValue(model),
                Args = parse.GetValue(extra) ?? [],
                Worktree = parse.GetValue(worktree) ? true : null,
            };
            var saved = await client.PostAsync("api/v1/familiars", request, CovenJsonContext.Default.FamiliarRequest, CovenJsonContext.Default.FamiliarDto, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, saved, CovenJsonContext.Default.FamiliarDto);
            }
            else
            {
                context.Out.WriteLine($"{saved.Name} = {saved.Harness}{(saved.Model is { } m ? " --model " + m : string.Empty)}{(saved.Args.Count > 0 ? " " + string.Join(' ', saved.Args.Select(Quote)) : string.Empty)}{(saved.Worktree ? " (worktree)" : string.Empty)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliApp app)
    {
        var name = new Argument<string>("name") { Description = "Familiar to remove" };
        var command = new Command("remove", "Remove a defined familiar (built-in ones cannot be removed).\n\nExample:\n  coven familiars remove scout") { name };
        command.Aliases.Add("rm");
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var body = await client.SendAsync(HttpVerb.Delete, "api/v1/familiars/" + Uri.EscapeDataString(parse.GetValue(name)!), null, ct);
            var removed = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.FamiliarRemovedResponse);
            context.Error.WriteLine($"removed familiar {removed.Removed}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The project root a command applies to: --root, else the enclosing git work tree, else the cwd.</summary>
    public static string RootOf(string? option) =>
        option is { Length: > 0 } r ? Path.GetFullPath(r) : ProjectRoot.Find(Environment.CurrentDirectory);

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or '/' or ':' or ',') ? arg : JsonSerializer.Serialize(arg, CovenJsonContext.Default.String);
}
