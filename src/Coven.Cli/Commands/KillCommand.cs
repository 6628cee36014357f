using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class KillCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var signal = new Option<string?>("--signal", "-s") { Description = "Signal to send first: TERM (default), INT, HUP, KILL, or a number", HelpName = "sig" };
        var grace = new Option<string?>("--grace") { Description = "Time before SIGKILL follows, e.g. 500ms, 3s (default: the daemon's)", HelpName = "duration" };
        var command = new Command(
            "kill",
            "Stop a live session: the signal goes to the harness's whole process group, SIGKILL after the grace period.\n\n"
            + "Examples:\n"
            + "  coven kill 0193a5f0\n"
            + "  coven kill 0193a5f0 --signal INT --grace 10s")
        {
            session, signal, grace,
        };
        signal.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } s && !Signals.TryParse(s, out _))
            {
                r.AddError($"unknown signal '{s}'");
            }
        });
        grace.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } g && !Durations.TryParse(g, out _))
            {
                r.AddError($"invalid duration '{g}' (e.g. 500ms, 3s, 1m)");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            var request = new KillRequest();
            if (parse.GetValue(signal) is { } sigText && Signals.TryParse(sigText, out var sig))
            {
                request = request with { Signal = Signals.Name(sig)[3..] };
            }

            if (parse.GetValue(grace) is { } g && Durations.TryParse(g, out var d))
            {
                request = request with { GraceMs = (int)Math.Min(int.MaxValue, d.TotalMilliseconds) };
            }

            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "kill"), JsonSerializer.Serialize(request, CovenJsonContext.Default.KillRequest), ct);
            context.Error.WriteLine($"sent {request.Signal ?? "TERM"} to session {s.Id}");
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }
}
