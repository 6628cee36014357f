using System.CommandLine;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

internal static class SendCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var text = new Argument<string>("text") { Description = "Text to type into the session (as is; escape sequences are not interpreted)" };
        var enter = new Option<bool>("--enter", "-e") { Description = "Press Enter after the text (appends \\r)" };
        var command = new Command(
            "send",
            "Type text into a live session.\n\n"
            + "Examples:\n"
            + "  coven send 0193a5f0 \"run the tests again\" --enter\n"
            + "  coven send 0193a5f0 y")
        {
            session, text, enter,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var data = parse.GetValue(text)! + (parse.GetValue(enter) ? "\r" : string.Empty);
            var body = JsonSerializer.Serialize(new InputRequest { Data = data }, CovenJsonContext.Default.InputRequest);
            await client.SendAsync(HttpMethod.Post, Common.SessionPath(s, "input"), body, ct);
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }
}
