using Coven.Cli.Api;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;
using Coven.Core.Cast;

namespace Coven.Cli.Commands;

/// <summary><c>coven cast '&lt;code&gt;'</c>: sends a Cast Code to the daemon (POST /api/v1/cast) and shows what it did.</summary>
internal static class CastCommand
{
    public static void Add(CliApp app)
    {
        var code = new Argument<string>("code") { Description = "The Cast Code (quote it: ~ and * mean things to the shell)" };
        var root = new Option<string?>("--root") { Description = "Project root (default: the enclosing git work tree, else the current directory)", HelpName = "dir" };
        var target = new Option<string?>("--target", "-t") { Description = "Session (id or unique prefix) for ~^ resume and ~<handoff when the code names none", HelpName = "id" };
        var json = Common.JsonOption("Print {\"cast\", \"action\", \"result\"} as the API returns it");
        var command = new Command(
            "cast",
            "Run a Cast Code: a short intent parsed into one of the daemon's actions, with that action's checks.\n"
            + "Grammar and every code: docs/cast-codes.md (or GET /api/v1/cast-codes).\n\n"
            + "Examples:\n"
            + "  coven cast '~?'                              live sessions here, by familiar\n"
            + "  coven cast '~>scout'                         scout is this project's default\n"
            + "  coven cast '~delegate:scout find why CI is red'\n"
            + "  coven cast '~broadcast * do not touch package.json'\n"
            + "  coven cast '~^ resume'                       resume the last ended session\n"
            + "  coven cast '~<handoff 0193a5f0 to:builder'")
        {
            code, root, target, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var text = parse.GetValue(code)!;

            // Parsed here too for a precise message before any round trip; the daemon parses and validates again.
            var parsed = CastParser.Parse(text);
            if (!parsed.Ok)
            {
                throw InvalidCast(text, parsed.Error);
            }

            var client = await context.ConnectAsync(ct);
            string? targetId = null;
            if (parse.GetValue(target) is { Length: > 0 } reference)
            {
                targetId = (await SessionResolver.ResolveAsync(client, reference, ct)).Id;
            }

            var request = new CastRequest { Code = text, ProjectRoot = FamiliarsCommand.RootOf(parse.GetValue(root)), Target = targetId };
            var body = await client.SendAsync(HttpVerb.Post, "api/v1/cast", JsonSerializer.Serialize(request, CovenJsonContext.Default.CastRequest), ct);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, body);
                return ExitCodes.Ok;
            }

            var response = Api.CovenClient.Deserialize(body, CovenJsonContext.Default.CastResponse);
            CastOutput.Write(context, response);
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    /// <summary>The code with a caret under the column the parser stopped at (exit 2).</summary>
    public static CliException InvalidCast(string code, CastParseError error)
    {
        var lines = new List<string>();
        if (code.Length <= 200 && !code.Any(char.IsControl))
        {
            lines.Add("  " + code);
            lines.Add("  " + new string(' ', Math.Max(0, error.Column - 1)) + "^ expected " + error.Expected);
        }

        return new CliException(CastErrorCodes.InvalidCast, $"invalid cast code at column {error.Column}: {error.Message}", ExitCodes.Usage, lines);
    }
}
