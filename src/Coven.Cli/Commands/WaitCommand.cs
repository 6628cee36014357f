using System.CommandLine;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary>
/// <c>coven wait &lt;id&gt; --for REGEX | --settle D | --exit [--timeout D]</c>: one blocking API call
/// (<c>POST .../wait</c>) per at most ten minutes; exit codes in <see cref="ExitCodes"/> and docs/cli.md.
/// </summary>
internal static class WaitCommand
{
    // Not a long-running command for signal handling: the request blocks the calling thread, so SIGINT keeps its
    // default action (exit 130); the daemon sees the connection close and ends the wait.

    // One request never waits longer than this (the daemon's limit is an hour); longer waits are repeated requests.
    private static readonly TimeSpan s_chunk = TimeSpan.FromMinutes(10);

    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var pattern = new Option<string?>("--for") { Description = "Wait until the screen matches this regular expression (.NET syntax, ^/$ match at each row)", HelpName = "regex" };
        var settle = new Option<string?>("--settle") { Description = "Wait until no output has been recorded for this long, e.g. 2s", HelpName = "duration" };
        var exit = new Option<bool>("--exit") { Description = "Wait until the session has ended" };
        var activity = new Option<string?>("--activity") { Description = "Wait until the session's activity is this: working, waiting or idle (docs/attention.md)", HelpName = "activity" };
        var timeout = new Option<string?>("--timeout") { Description = "Give up after this long (exit code 124); default: no limit", HelpName = "duration" };
        var json = Common.JsonOption("Print the API's answer ({outcome, session, match}); with --any the session record");
        var any = new Option<bool>("--any") { Description = "Wait for the first live session that needs you: waiting or idle (or the --activity given); prints its id" };
        var harness = new Option<string?>("--harness") { Description = "With --any: only sessions of this harness", HelpName = "id" };
        var root = new Option<string?>("--root") { Description = "With --any: only sessions of this project root", HelpName = "dir" };
        session.Arity = ArgumentArity.ZeroOrOne;
        var command = new Command(
            "wait",
            "Block until the session's screen matches a pattern, its output settles, or it ends.\n"
            + "Exit codes: 0 the condition happened, 1 the session ended first (or another failure), 124 timed out.\n\n"
            + "Examples:\n"
            + "  coven wait 0193a5f0 --for 'Sign in' --timeout 10s\n"
            + "  coven wait 0193a5f0 --settle 2s && coven screen 0193a5f0\n"
            + "  coven wait 0193a5f0 --exit\n"
            + "  coven wait 0193a5f0 --activity idle --timeout 5m\n"
            + "  coven wait --any --activity waiting     the first session that asks you something")
        {
            session, pattern, settle, exit, activity, timeout, json, any, harness, root,
        };
        foreach (var option in new[] { settle, timeout })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<string?>() is { } d && !Durations.TryParse(d, out _))
                {
                    r.AddError($"invalid duration '{d}' (e.g. 500ms, 3s, 1m)");
                }
            });
        }

        command.Validators.Add(r =>
        {
            var count = (r.GetValue(pattern) is not null ? 1 : 0) + (r.GetValue(settle) is not null ? 1 : 0) + (r.GetValue(exit) ? 1 : 0)
                + (r.GetValue(activity) is not null ? 1 : 0);
            if (r.GetValue(any))
            {
                if (r.GetValue(session) is not null || r.GetValue(pattern) is not null || r.GetValue(settle) is not null || r.GetValue(exit))
                {
                    r.AddError("--any takes no session id, and only --activity, --harness, --root, --timeout and --json");
                }
            }
            else if (r.GetValue(session) is null)
            {
                r.AddError("give a session id (or --any)");
            }
            else if (r.GetValue(harness) is not null || r.GetValue(root) is not null)
            {
                r.AddError("--harness and --root go with --any");
            }
            else if (count != 1)
            {
                r.AddError("give exactly one of --for REGEX, --settle DURATION, --exit or --activity ACTIVITY");
            }

            if (r.GetValue(activity) is { } a && a is not (SessionActivity.Working or SessionActivity.Waiting or SessionActivity.Idle))
            {
                r.AddError($"unknown activity '{a}' (expected one of: working, waiting, idle)");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            TimeSpan? limit = parse.GetValue(timeout) is { } t && Durations.TryParse(t, out var parsed) ? parsed : null;
            if (parse.GetValue(any))
            {
                return await WaitAnyCommand.RunAsync(context, parse.GetValue(activity), parse.GetValue(harness), parse.GetValue(root), limit, parse.GetValue(json), ct);
            }

            var (_, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var request = new WaitRequest
            {
                For = parse.GetValue(pattern),
                SettleMs = parse.GetValue(settle) is { } st && Durations.TryParse(st, out var settleFor) ? (int)Math.Clamp(settleFor.TotalMilliseconds, 1, 3_600_000) : null,
                Exit = parse.GetValue(exit) ? true : null,
                Activity = parse.GetValue(activity),
            };

            var started = DateTimeOffset.UtcNow;
            WaitResponse answer;
            while (true)
            {
                var left = limit is { } l ? l - (DateTimeOffset.UtcNow - started) : s_chunk;
                var chunk = left < s_chunk ? (left < TimeSpan.Zero ? TimeSpan.Zero : left) : s_chunk;

                // Its own client: the default one gives up on an answer after two minutes.
                var client = context.CreateClient(chunk + TimeSpan.FromSeconds(30));
                answer = await client.PostAsync(
                    Common.SessionPath(s, "wait"),
                    request with { TimeoutMs = (int)chunk.TotalMilliseconds },
                    CovenJsonContext.Default.WaitRequest,
                    CovenJsonContext.Default.WaitResponse,
                    ct);
                if (answer.Outcome != WaitOutcomes.Timeout || (limit is not null && left <= s_chunk))
                {
                    break;
                }
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, answer, CovenJsonContext.Default.WaitResponse);
            }

            var ended = $"{answer.Session.Status}{(answer.Session.ExitCode is { } code ? $", exit {code}" : string.Empty)}{(answer.Session.ExitSignal is { } sig ? $", {sig}" : string.Empty)}";
            switch (answer.Outcome)
            {
                case WaitOutcomes.Matched:
                    if (!parse.GetValue(json))
                    {
                        context.Out.WriteLine(answer.Match);
                    }

                    return ExitCodes.Ok;
                case WaitOutcomes.Settled:
                    return ExitCodes.Ok;
                case WaitOutcomes.Exited when request.Exit == true:
                    if (!parse.GetValue(json))
                    {
                        context.Out.WriteLine(ended);
                    }

                    return ExitCodes.Ok;
                case WaitOutcomes.Exited:
                    context.Error.WriteLine($"coven: session {s.Id} ended ({ended}) before the condition was met (session_ended)");
                    return ExitCodes.Failed;
                case WaitOutcomes.Timeout:
                    context.Error.WriteLine($"coven: timed out after {parse.GetValue(timeout)} waiting on session {s.Id} (timeout)");
                    return ExitCodes.Timeout;
                default:
                    throw new CliException("bad_response", $"the daemon answered an unknown wait outcome '{answer.Outcome}'");
            }
        });
        app.Root.Add(command);
    }
}
