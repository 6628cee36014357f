using Coven.Cli.Api;
using System.CommandLine;
using Coven.Cli.Daemon;
using Coven.Cli.Output;
using Coven.Core;

namespace Coven.Cli.Commands;

/// <summary><c>coven daemon start|stop|status|restart|logs</c>.</summary>
internal static class DaemonCommand
{
    public static void Add(CliApp app)
    {
        var command = new Command(
            "daemon",
            "Control covend, the daemon that owns sessions (other commands start it on first use).\n\n"
            + "Examples:\n"
            + "  coven daemon status\n"
            + "  coven daemon restart\n"
            + "  coven daemon logs -f");
        command.Add(Start(app));
        command.Add(Stop(app));
        command.Add(Status(app));
        command.Add(Restart(app));
        command.Add(Logs(app));
        app.Root.Add(command);
    }

    private static Command Start(CliApp app)
    {
        var command = new Command("start", "Start the daemon if it is not running, and wait until it answers.\n\nExample:\n  coven daemon start");
        app.Bind(command, async (context, parse, ct) =>
        {
            context.RequireLocal("coven daemon start");
            if (await DaemonControl.TryHealthAsync(context.RawClient, ct) is { } running)
            {
                context.Out.WriteLine($"daemon already running (pid {running.Daemon.Pid})");
                return ExitCodes.Ok;
            }

            var health = await DaemonControl.StartAsync(context.Paths, context.Console.Env, ct);
            context.Out.WriteLine($"started daemon (pid {health.Daemon.Pid}) on {health.Daemon.Socket}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Stop(CliApp app)
    {
        var command = new Command("stop", "Stop the daemon (SIGTERM) and wait until it is gone. Live sessions keep running in their lanes.\n\nExample:\n  coven daemon stop");
        app.Bind(command, async (context, parse, ct) =>
        {
            context.RequireLocal("coven daemon stop");
            var pid = await DaemonControl.StopAsync(context.Paths, context.RawClient, ct);
            context.Out.WriteLine(pid is null ? "daemon not running" : $"stopped daemon (pid {pid})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Restart(CliApp app)
    {
        var command = new Command("restart", "Stop the daemon, then start it again; live sessions are re-attached by the new daemon.\n\nExample:\n  coven daemon restart");
        app.Bind(command, async (context, parse, ct) =>
        {
            context.RequireLocal("coven daemon restart");
            var old = await DaemonControl.StopAsync(context.Paths, context.RawClient, ct);
            var health = await DaemonControl.StartAsync(context.Paths, context.Console.Env, ct);
            context.Out.WriteLine(old is null
                ? $"started daemon (pid {health.Daemon.Pid})"
                : $"restarted daemon (pid {old} -> {health.Daemon.Pid})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(CliApp app)
    {
        var json = Common.JsonOption("Print the health answer (GET /api/v1/health) as is");
        var command = new Command("status", "Show whether the daemon runs, its pid, version and capabilities. Exit 3 when it is not running.\n\nExample:\n  coven daemon status --json") { json };
        app.Bind(command, async (context, parse, ct) =>
        {
            var body = await TryHealthBodyAsync(context, ct);
            if (body is null)
            {
                throw CliException.Unreachable($"daemon not running (no answer on {context.Paths.Socket})");
            }

            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, body);
                return ExitCodes.Ok;
            }

            var h = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.HealthResponse);
            var c = h.Capabilities;
            var caps = new (string Name, bool On)[]
            {
                ("sessions", c.Sessions), ("events", c.Events), ("eventCursor", c.EventCursor), ("structuredErrors", c.StructuredErrors),
                ("streaming", c.Streaming), ("rituals", c.Rituals), ("controlPlane", c.ControlPlane), ("screen", c.Screen), ("castCodes", c.CastCodes),
            };
            context.Out.WriteLine($"{"status",-14}{Common.Paint(context, Ansi.Green, h.Ok ? "running" : "unhealthy")}");
            context.Out.WriteLine($"{"pid",-14}{h.Daemon.Pid}");
            context.Out.WriteLine($"{"version",-14}{h.CovenVersion} ({h.ApiVersion})");
            context.Out.WriteLine($"{"started",-14}{h.Daemon.StartedAt} ({Format.Age(h.Daemon.StartedAt, DateTimeOffset.UtcNow)} ago)");
            context.Out.WriteLine($"{"socket",-14}{h.Daemon.Socket}");
            context.Out.WriteLine($"{"capabilities",-14}{string.Join(' ', caps.Select(x => x.On ? x.Name : Common.Paint(context, Ansi.Dim, "-" + x.Name)))}");
            return h.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Logs(CliApp app)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing as the log grows (Ctrl-C stops)" };
        var command = new Command("logs", "Print the daemon's log (COVEN_HOME/logs/covend.log).\n\nExample:\n  coven daemon logs -f") { follow };
        app.Bind(command, async (context, parse, ct) =>
        {
            context.RequireLocal("coven daemon logs");
            var path = DaemonControl.DaemonLog(context.Paths);
            if (!File.Exists(path))
            {
                var console = DaemonControl.ConsoleLog(context.Paths);
                if (!File.Exists(console))
                {
                    throw new CliException("no_log", $"no daemon log at {path}");
                }

                path = console;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var n = await stream.ReadAsync(buffer, ct);
                if (n > 0)
                {
                    context.Console.WriteRaw(buffer.AsSpan(0, n));
                    continue;
                }

                if (!parse.GetValue(follow))
                {
                    return ExitCodes.Ok;
                }

                if (new FileInfo(path).Length < stream.Position)
                {
                    stream.Position = 0; // rotated or truncated
                }

                await Task.Delay(200, ct);
            }
        }, longRunning: true);
        return command;
    }

    private static async Task<string?> TryHealthBodyAsync(CliContext context, CancellationToken ct)
    {
        try
        {
            return await context.RawClient.SendAsync(HttpVerb.Get, "api/v1/health", null, ct);
        }
        catch (CliException e) when (e.Code == "daemon_unreachable")
        {
            return null;
        }
    }
}
