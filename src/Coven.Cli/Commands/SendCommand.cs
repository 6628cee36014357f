using Coven.Cli.Api;
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
        var submit = new Option<bool>("--submit") { Description = "Submit the text as a prompt: bracketed paste when the program enabled it, then Enter separately; fails (exit 1) when the screen does not change" };
        var json = Common.JsonOption("With --submit: print the answer ({accepted, bracketedPaste, screenChanged})");
        var command = new Command(
            "send",
            "Type text into a live session.\n\n"
            + "Examples:\n"
            + "  coven send 0193a5f0 \"run the tests again\" --enter\n"
            + "  coven send 0193a5f0 y\n"
            + "  coven send 0193a5f0 --submit \"fix the failing tests\"")
        {
            session, text, enter, submit, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(submit) && r.GetValue(enter))
            {
                r.AddError("--submit already presses Enter; drop --enter");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            if (parse.GetValue(submit))
            {
                return await SubmitAsync(context, client, s, parse.GetValue(text)!, parse.GetValue(json), ct);
            }

            var data = parse.GetValue(text)! + (parse.GetValue(enter) ? "\r" : string.Empty);
            var body = JsonSerializer.Serialize(new InputRequest { Data = data }, CovenJsonContext.Default.InputRequest);
            await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "input"), body, ct);
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    private static async Task<int> SubmitAsync(CliContext context, Api.CovenClient client, SessionDto s, string text, bool json, CancellationToken ct)
    {
        var answer = await client.PostAsync(
            Common.SessionPath(s, "input"),
            new InputRequest { Data = text, Submit = true },
            CovenJsonContext.Default.InputRequest,
            CovenJsonContext.Default.SubmitResponse,
            ct);
        if (json)
        {
            Output.JsonOutput.Write(context.Out, answer, CovenJsonContext.Default.SubmitResponse);
        }
        else
        {
            context.Error.WriteLine($"submitted to session {s.Id}{(answer.BracketedPaste ? " (bracketed paste)" : string.Empty)}; screen {(answer.ScreenChanged ? "changed" : "did not change")}");
        }

        return answer.ScreenChanged ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
