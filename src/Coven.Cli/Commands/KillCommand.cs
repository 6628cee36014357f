using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class KillCommand
{
    /// <summary>How long kill waits for the end beyond the grace period (the daemon's default grace is a few seconds).</summary>
    private static readonly TimeSpan s_waitSlack = TimeSpan.FromSeconds(15);

    public static void Add(CliApp app)
    {
        var selection = new SessionSelection("kill", "live", "pending");
        var signal = new Option<string?>("--signal", "-s") { Description = "Signal to send first: TERM (default), INT, HUP, KILL, or a number", HelpName = "sig" };
        var grace = new Option<string?>("--grace") { Description = "Time before SIGKILL follows, e.g. 500ms, 3s (default: the daemon's)", HelpName = "duration" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the signal is sent, without waiting for the session to end" };
        var command = new Command(
            "kill",
            "Stop live sessions: the signal goes to the harness's whole process group, SIGKILL after the grace period.\n"
            + "Waits until each session has ended (so 'coven kill X && coven archive X' works), unless --no-wait.\n"
            + "A set chosen with --status, --project or --all is confirmed first (--yes skips it).\n\n"
            + "Examples:\n"
            + "  coven kill 0193a5f0\n"
            + "  coven kill 3f2a9c 7be01d --signal INT --grace 10s\n"
            + "  coven kill --project . --yes")
        {
            signal, grace, noWait,
        };
        selection.AddTo(command);
        signal.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } s && !Signals.TryParse(s, out _))
            {
                r.AddError($"unknown signal '{s}' (e.g. TERM, INT, HUP, KILL or a number)");
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

            var waitFor = s_waitSlack;
            if (parse.GetValue(grace) is { } g && Durations.TryParse(g, out var d))
            {
                request = request with { GraceMs = (int)Math.Min(int.MaxValue, d.TotalMilliseconds) };
                waitFor += d;
            }

            var (client, sessions, filtered) = await selection.SelectAsync(context, parse, ct);
            if (sessions.Count == 0)
            {
                context.Error.WriteLine("no sessions to kill");
                return ExitCodes.Ok;
            }

            if (filtered && !selection.Confirm(context, parse, sessions, "Their harnesses are stopped."))
            {
                return ExitCodes.Failed;
            }

            var body = JsonSerializer.Serialize(request, CovenJsonContext.Default.KillRequest);
            var sent = new List<SessionDto>();
            var exit = await SessionSelection.ForEachAsync(app, sessions, async s =>
            {
                await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "kill"), body, ct);
                sent.Add(s);
                if (parse.GetValue(noWait))
                {
                    context.Error.WriteLine($"sent {request.Signal ?? "TERM"} to session {s.Id}");
                }
            });

            if (parse.GetValue(noWait))
            {
                return exit;
            }

            // Every signal is sent first, then the ends are awaited: a set of sessions stops in one grace period.
            var waitBody = JsonSerializer.Serialize(new WaitRequest { Exit = true, TimeoutMs = (int)Math.Min(3_600_000, waitFor.TotalMilliseconds) }, CovenJsonContext.Default.WaitRequest);
            var waited = await SessionSelection.ForEachAsync(app, sent, async s =>
            {
                var answer = CovenClient.Deserialize(await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "wait"), waitBody, ct), CovenJsonContext.Default.WaitResponse);
                if (answer.Outcome == WaitOutcomes.Timeout)
                {
                    throw new CliException("timeout", $"session {s.Id} did not end within {Durations.Format(waitFor)} of {request.Signal ?? "TERM"}", ExitCodes.Timeout);
                }

                var ended = answer.Session;
                context.Error.WriteLine($"killed {ended.Id} ({Format.Ending(ended.Status, ended.ExitCode, ended.ExitSignal)})");
            });
            return exit != ExitCodes.Ok ? exit : waited;
        }, longRunning: true);
        app.Root.Add(command);
    }
}
