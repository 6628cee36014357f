using Coven.Cli.Api;
using System.Buffers;
using System.CommandLine;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven capabilities</c> and <c>coven action</c>: the control plane of docs/api.md.</summary>
internal static class ControlPlaneCommands
{
    public static void Add(CliApp app)
    {
        AddCapabilities(app);
        AddAction(app);
    }

    private static void AddCapabilities(CliApp app)
    {
        var json = Common.JsonOption("Print {\"capabilities\": [...]} as the API returns it");
        var command = new Command("capabilities", "List what this Coven can do (harnesses, actions) and their status.\n\nExample:\n  coven capabilities") { json };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var caps = await client.GetAsync("api/v1/capabilities", CovenJsonContext.Default.CapabilitiesResponse, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, caps, CovenJsonContext.Default.CapabilitiesResponse);
                return ExitCodes.Ok;
            }

            var table = new Table("ID", "STATUS", "LABEL", "ACTIONS");
            foreach (var c in caps.Capabilities)
            {
                var style = c.Status switch
                {
                    "available" => Ansi.Green,
                    "missing_setup" => Ansi.Yellow,
                    "disabled" => Ansi.Red,
                    _ => Ansi.Dim,
                };
                table.Add((c.Id, string.Empty), (c.Status, style), (c.Label, string.Empty), (string.Join(',', c.ActionIds), string.Empty));
            }

            table.Write(context.Out, context.Console.Color);
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    private static void AddAction(CliApp app)
    {
        var action = new Argument<string>("action") { Description = "Action id: " + string.Join(' ', SessionActions.All) };
        var session = new Option<string?>("--session", "-s") { Description = "Session id or unique prefix the action applies to", HelpName = "id" };
        var args = new Option<string[]>("--arg") { Description = "Argument k=v (repeatable); v is JSON if it parses as a number, true/false/null, array or object, else a string", HelpName = "k=v", AllowMultipleArgumentsPerToken = false };
        var command = new Command(
            "action",
            "Request a control-plane action (POST /api/v1/actions); prints the daemon's answer as JSON. Unknown ids fail closed.\n\n"
            + "Examples:\n"
            + "  coven action session.kill --session 0193a5f0 --arg signal=INT\n"
            + "  coven action session.input -s 0193a5f0 --arg data=$'yes\\r'")
        {
            action, session, args,
        };
        args.Validators.Add(r =>
        {
            foreach (var a in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (a.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    r.AddError($"--arg '{a}' is not of the form key=value");
                }
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            string? sessionId = null;
            if (parse.GetValue(session) is { Length: > 0 } reference)
            {
                sessionId = (await SessionResolver.ResolveAsync(client, reference, ct)).Id;
            }

            var request = new ActionRequest
            {
                Action = parse.GetValue(action),
                SessionId = sessionId,
                Args = BuildArgs(parse.GetValue(args) ?? []),
            };
            var body = await client.SendAsync(HttpVerb.Post, "api/v1/actions", JsonSerializer.Serialize(request, CovenJsonContext.Default.ActionRequest), ct);
            if (body.Length > 0)
            {
                JsonOutput.WriteRaw(context.Out, body);
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    private static JsonElement? BuildArgs(string[] pairs)
    {
        if (pairs.Length == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var pair in pairs)
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = pair[..eq];
                var value = pair[(eq + 1)..];
                w.WritePropertyName(key);
                if (LooksLikeJson(value))
                {
                    try
                    {
                        using var doc = JsonDocument.Parse(value);
                        doc.WriteTo(w);
                        continue;
                    }
                    catch (JsonException)
                    {
                    }
                }

                w.WriteStringValue(value);
            }

            w.WriteEndObject();
        }

        using var result = JsonDocument.Parse(buffer.WrittenMemory);
        return result.RootElement.Clone();
    }

    private static bool LooksLikeJson(string v) =>
        v is "true" or "false" or "null" || (v.Length > 0 && (v[0] is '[' or '{' or '-' || char.IsAsciiDigit(v[0])));
}
