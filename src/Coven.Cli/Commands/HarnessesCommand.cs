using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Core;

namespace Coven.Cli.Commands;

/// <summary>
/// <c>coven harnesses list|add|remove</c>: the harnesses registered in <c>$COVEN_HOME/harnesses.json</c>. The daemon
/// reads the file at every launch, so a change applies to the next session without a restart. The file is
/// rewritten whole: under a lock (<c>harnesses.json.lock</c>), validated as the daemon will read it, written to a
/// temporary file with mode 0600 and renamed over the old one, so a reader never sees half a file.
/// </summary>
internal static class HarnessesCommand
{
    public static void Add(CliApp app)
    {
        var command = new Command(
            "harnesses",
            "Harnesses: the built-in ones and any CLI registered in $COVEN_HOME/harnesses.json.\n\n"
            + "Examples:\n"
            + "  coven harnesses list\n"
            + "  coven harnesses add aider --exec aider --prompt-arg --message --prompt-arg '{prompt}'\n"
            + "  coven harnesses remove aider");
        command.Add(List(app));
        command.Add(AddHarness(app));
        command.Add(Remove(app));
        app.Root.Add(command);
    }

    private static Command List(CliApp app)
    {
        var json = Common.JsonOption("Print {\"harnesses\": [...]} as harnesses.json holds them (built-ins not included)");
        var command = new Command("list", "List the built-in and registered harnesses.\n\nExample:\n  coven harnesses list") { json };
        command.Aliases.Add("ls");
        app.Bind(command, (context, parse, ct) =>
        {
            var path = ConfigPath(context);
            var entries = Read(path);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, new HarnessConfigFile { Harnesses = entries }, CovenJsonContext.Default.HarnessConfigFile);
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = new Table("ID", "SOURCE", "EXECUTABLE", "ARGUMENTS");
            foreach (var h in HarnessRegistry.BuiltIns)
            {
                table.Add(h.Id, "built-in", h.Executable, string.Join(' ', h.BaseArguments.Concat(h.PromptArguments)));
            }

            foreach (var e in entries)
            {
                table.Add(e.Id ?? "?", "harnesses.json", e.Executable ?? "?", string.Join(' ', (e.Args ?? []).Concat(e.PromptArgs ?? ["{prompt}"])));
            }

            table.Write(context.Out, context.Console.Color);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command AddHarness(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "Harness id: [a-z0-9][a-z0-9._-]*; also its familiar name (coven run ID)" };
        var exec = new Option<string>("--exec") { Description = "The executable: an absolute path, or a name looked up on PATH now", HelpName = "path", Required = true };
        var label = new Option<string?>("--label") { Description = "A readable name (default: the id)" };
        var args = new Option<string[]>("--arg") { Description = "An argument given on every launch, before the prompt (repeat for several)", HelpName = "arg", AllowMultipleArgumentsPerToken = false };
        var promptArgs = new Option<string[]>("--prompt-arg") { Description = "How the prompt is passed; {prompt} is replaced by it (repeat; default: {prompt})", HelpName = "arg" };
        var modelArgs = new Option<string[]>("--model-arg") { Description = "How a model is passed; {model} is replaced (repeat; default: --model {model})", HelpName = "arg" };
        var resumeArgs = new Option<string[]>("--resume-arg") { Description = "Arguments that resume the last session (repeat; default: none, resume unsupported)", HelpName = "arg" };
        var command = new Command(
            "add",
            "Register (or replace) a harness in harnesses.json; the next launch uses it, no restart needed.\n"
            + "Arguments reach the program as argv elements, never through a shell.\n\n"
            + "Examples:\n"
            + "  coven harnesses add aider --exec aider --prompt-arg --message --prompt-arg '{prompt}'\n"
            + "  coven harnesses add gemini --exec /usr/local/bin/gemini --prompt-arg -p --prompt-arg '{prompt}' --resume-arg --resume")
        {
            id, exec, label, args, promptArgs, modelArgs, resumeArgs,
        };
        app.Bind(command, (context, parse, ct) =>
        {
            var name = parse.GetValue(id)!;
            if (HarnessRegistry.BuiltIns.Any(h => h.Id == name))
            {
                throw CliException.Usage($"'{name}' is a built-in harness and cannot be redefined; choose another id");
            }

            var executable = parse.GetValue(exec)!;
            if (!Path.IsPathRooted(executable))
            {
                executable = HarnessRegistry.ResolveExecutable(executable, context.Console.Env("PATH"))
                    ?? throw new CliException("unknown_harness", $"'{executable}' is not an absolute path and is not on PATH", ExitCodes.Failed);
            }

            static IReadOnlyList<string>? Many(string[]? values) => values is { Length: > 0 } v ? v : null;
            var entry = new HarnessConfigEntry
            {
                Id = name,
                Label = parse.GetValue(label),
                Executable = executable,
                Args = Many(parse.GetValue(args)),
                PromptArgs = Many(parse.GetValue(promptArgs)),
                ModelArgs = Many(parse.GetValue(modelArgs)),
                ResumeArgs = Many(parse.GetValue(resumeArgs)),
            };
            var replaced = false;
            Update(context, entries =>
            {
                replaced = entries.RemoveAll(e => e.Id == name) > 0;
                entries.Add(entry);
                return true;
            });
            context.Error.WriteLine($"{(replaced ? "replaced" : "registered")} harness {name} ({executable}) in {ConfigPath(context)}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Remove(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "Harness id" };
        var command = new Command("remove", "Remove a registered harness from harnesses.json.\n\nExample:\n  coven harnesses remove aider") { id };
        command.Aliases.Add("rm");
        app.Bind(command, (context, parse, ct) =>
        {
            var name = parse.GetValue(id)!;
            if (!Update(context, entries => entries.RemoveAll(e => e.Id == name) > 0))
            {
                throw new CliException("unknown_harness", $"no harness '{name}' in {ConfigPath(context)}", ExitCodes.NotFound);
            }

            context.Error.WriteLine($"removed harness {name}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string ConfigPath(CliContext context) => Path.Combine(context.Paths.Home, "harnesses.json");

    private static List<HarnessConfigEntry> Read(string path)
    {
        // The same checks as the daemon's (HarnessRegistry.Load), with the same messages.
        try
        {
            HarnessRegistry.Load(path);
        }
        catch (HarnessConfigException e)
        {
            throw new CliException("invalid_harnesses", e.Message + " (fix or remove the file)", ExitCodes.Failed);
        }

        return File.Exists(path)
            ? [.. JsonSerializer.Deserialize(File.ReadAllText(path), CovenJsonContext.Default.HarnessConfigFile)?.Harnesses ?? []]
            : [];
    }

    /// <summary>Read, change and write harnesses.json under its lock; the change returns whether it changed anything.</summary>
    private static bool Update(CliContext context, Func<List<HarnessConfigEntry>, bool> change)
    {
        var path = ConfigPath(context);
        Directory.CreateDirectory(context.Paths.Home);
        using var gate = PrivateConfigFile.Lock(path + ".lock");
        var entries = Read(path);
        if (!change(entries))
        {
            return false;
        }

        var json = JsonSerializer.Serialize(new HarnessConfigFile { Harnesses = entries }, CovenJsonContext.Default.HarnessConfigFile);
        PrivateConfigFile.Write(path, json, temp =>
        {
            try
            {
                HarnessRegistry.Load(temp);
            }
            catch (HarnessConfigException e)
            {
                throw new CliException("invalid_harnesses", e.Message.Replace(temp, path, StringComparison.Ordinal), ExitCodes.Failed);
            }
        });
        return true;
    }

}
