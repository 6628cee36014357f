using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Core;

namespace Coven.Cli.Commands;

/// <summary>
/// <c>coven notify add|list|remove</c>: the sinks of <c>$COVEN_HOME/notify.json</c> (docs/attention.md). The daemon
/// reads the file again when it changes, so a change applies to the next notice without a restart.
/// </summary>
internal static class NotifyCommand
{
    public static void Add(CliApp app)
    {
        var command = new Command(
            "notify",
            "Notices when a session starts waiting, goes idle or ends: commands and webhooks in $COVEN_HOME/notify.json.\n\n"
            + "Examples:\n"
            + "  coven notify add -- /usr/local/bin/pager-me --urgent      the notice as JSON on its stdin\n"
            + "  coven notify add --on waiting --webhook https://hooks.example.com/coven\n"
            + "  coven notify list\n"
            + "  coven notify remove 3f9a1c");
        command.Add(List(app));
        command.Add(AddSink(app));
        command.Add(Remove(app));
        app.Root.Add(command);
    }

    private static Command List(CliApp app)
    {
        var json = Common.JsonOption("Print notify.json as the daemon reads it");
        var command = new Command("list", "List the notification sinks.\n\nExample:\n  coven notify list") { json };
        command.Aliases.Add("ls");
        app.Bind(command, (context, parse, ct) =>
        {
            var config = Read(context.Paths.NotifyConfig);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, config, CovenJsonContext.Default.NotifyConfigFile);
                return Task.FromResult(ExitCodes.Ok);
            }

            if (config.Sinks is not { Count: > 0 } sinks)
            {
                context.Error.WriteLine("no notification sinks (coven notify add -- CMD ARGS..., or --webhook URL)");
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = new Table("ID", "ON", "TARGET");
            foreach (var sink in sinks)
            {
                table.Add(sink.Id, sink.On is { Count: > 0 } on ? string.Join(',', on) : "all", sink.Webhook ?? string.Join(' ', sink.Command ?? []));
            }

            table.Write(context.Out, context.Console.Color);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command AddSink(CliApp app)
    {
        var argv = new Argument<string[]>("command") { Description = "The program and its arguments (after --); run as argv, never through a shell", Arity = ArgumentArity.ZeroOrMore };
        var webhook = new Option<string?>("--webhook") { Description = "POST the notice as JSON to this http(s) URL instead of running a command", HelpName = "url" };
        var on = new Option<string?>("--on") { Description = "Only these events, comma-separated: waiting, idle, ended (default: all)", HelpName = "events" };
        var command = new Command(
            "add",
            "Add a sink: a command (the notice as JSON on stdin) or a webhook. Prints its id.\n\n"
            + "Examples:\n"
            + "  coven notify add -- /usr/bin/tee -a /home/me/coven-notices.jsonl\n"
            + "  coven notify add --on waiting,ended --webhook http://127.0.0.1:9000/coven")
        {
            argv, webhook, on,
        };
        app.Bind(command, (context, parse, ct) =>
        {
            var words = parse.GetValue(argv) ?? [];
            var url = parse.GetValue(webhook);
            if ((words.Length > 0) == (url is not null))
            {
                throw CliException.Usage("give a command (coven notify add -- CMD ARGS...) or --webhook URL, not both");
            }

            if (words.Length > 0 && !Path.IsPathRooted(words[0]))
            {
                words[0] = HarnessRegistry.ResolveExecutable(words[0], context.Console.Env("PATH"))
                    ?? throw CliException.Usage($"'{words[0]}' is not an absolute path and is not on PATH");
            }

            var events = parse.GetValue(on) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
            var sink = new NotifySink
            {
                Id = Guid.NewGuid().ToString("N")[..6],
                Command = words.Length > 0 ? words : null,
                Webhook = url,
                On = events is { Length: > 0 } ? events : null,
            };
            Update(context, sinks =>
            {
                sinks.Add(sink);
                return true;
            });
            context.Out.WriteLine(sink.Id);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Remove(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "The sink's id (coven notify list)" };
        var command = new Command("remove", "Remove a sink.\n\nExample:\n  coven notify remove 3f9a1c") { id };
        command.Aliases.Add("rm");
        app.Bind(command, (context, parse, ct) =>
        {
            var name = parse.GetValue(id)!;
            if (!Update(context, sinks => sinks.RemoveAll(s => s.Id == name) > 0))
            {
                throw new CliException("not_found", $"no sink '{name}' in {context.Paths.NotifyConfig}", ExitCodes.Failed);
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static NotifyConfigFile Read(string path)
    {
        try
        {
            return NotifyConfigFile.Load(path);
        }
        catch (NotifyConfigException e)
        {
            throw new CliException("invalid_notify", e.Message + " (fix or remove the file)", ExitCodes.Failed);
        }
    }

    /// <summary>Read, change and write notify.json under its lock; the change returns whether it changed anything.</summary>
    private static bool Update(CliContext context, Func<List<NotifySink>, bool> change)
    {
        var path = context.Paths.NotifyConfig;
        Directory.CreateDirectory(context.Paths.Home);
        using var gate = PrivateConfigFile.Lock(path + ".lock");
        var config = Read(path);
        var sinks = new List<NotifySink>(config.Sinks ?? []);
        if (!change(sinks))
        {
            return false;
        }

        var json = JsonSerializer.Serialize(config with { Sinks = sinks }, CovenJsonContext.Default.NotifyConfigFile);
        PrivateConfigFile.Write(path, json, temp =>
        {
            try
            {
                NotifyConfigFile.Load(temp);
            }
            catch (NotifyConfigException e)
            {
                throw new CliException("invalid_notify", e.Message.Replace(temp + ": ", string.Empty, StringComparison.Ordinal), ExitCodes.Usage);
            }
        });
        return true;
    }
}
