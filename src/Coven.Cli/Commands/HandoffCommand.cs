using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;
using Coven.Core.Cast;

namespace Coven.Cli.Commands;

/// <summary><c>coven handoff &lt;id&gt; [--to NAME]</c>: a session's untrusted handoff context, or a familiar launched with it.</summary>
internal static class HandoffCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var to = new Option<string?>("--to") { Description = "Launch this familiar with the handoff as its prompt", HelpName = "name" };
        var lines = new Option<int?>("--lines", "-n") { Description = "Lines of recent output to include (default 40)" };
        var json = Common.JsonOption("Print the handoff document (with --to: {\"handoff\", \"session\"})");
        var command = new Command(
            "handoff",
            "Build handoff context for a session: prompt, familiar, status, screen, recent output and git state,\n"
            + "marked as untrusted. Prints it rendered as a prompt, or launches another familiar with it (--to).\n\n"
            + "Examples:\n"
            + "  coven handoff 0193a5f0 > context.md\n"
            + "  coven handoff 0193a5f0 --json | jq .git\n"
            + "  coven handoff 0193a5f0 --to builder")
        {
            session, to, lines, json,
        };
        lines.Validators.Add(r =>
        {
            if (OptionValues.TryGet<int?>(r, out var n) && n is < 1 or > 1000)
            {
                r.AddError("--lines must be between 1 and 1000");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            if (parse.GetValue(to) is { } familiar)
            {
                if (!CastParser.IsName(familiar))
                {
                    throw CliException.Usage($"'{familiar}' is not a familiar name ([a-z0-9][a-z0-9._-], at most {CastParser.MaxNameLength} characters)");
                }

                var request = new CastRequest { Code = $"~<handoff {s.Id} to:{familiar}", ProjectRoot = s.ProjectRoot };
                var body = await client.SendAsync(HttpVerb.Post, "api/v1/cast", JsonSerializer.Serialize(request, CovenJsonContext.Default.CastRequest), ct);
                var response = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.CastResponse);
                if (parse.GetValue(json))
                {
                    JsonOutput.WriteRaw(context.Out, response.Result?.GetRawText() ?? "null");
                }
                else
                {
                    CastOutput.Write(context, response);
                }

                return ExitCodes.Ok;
            }

            var query = parse.GetValue(lines) is { } n ? $"?lines={n}" : string.Empty;
            var raw = await client.SendAsync(HttpVerb.Get, Common.SessionPath(s, "handoff") + query, null, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, raw);
            }
            else
            {
                context.Out.Write(HandoffPrompt.Render(Api.CovenClient.Deserialize(raw, CovenJsonContext.Default.HandoffDocument)));
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }
}
