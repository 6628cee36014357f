using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven web</c>: the daemon's web cockpit on 127.0.0.1 (docs/web.md).</summary>
internal static class WebCommand
{
    public static void Add(CliApp app)
    {
        var open = new Option<bool>("--open") { Description = "Open the cockpit in the browser (xdg-open)" };
        var stop = new Option<bool>("--stop") { Description = "Stop the cockpit's listener (its token stops working)" };
        var port = new Option<int?>("--port") { Description = "Listen on this port of 127.0.0.1 (default: a free one)", HelpName = "port" };
        var json = Common.JsonOption("Print the WebStatusResponse");
        var command = new Command(
            "web",
            "Start the web cockpit (off until asked): a page served by the daemon on 127.0.0.1 with every session\n"
            + "live side by side. Prints its URL, which carries a fresh token (also in COVEN_HOME/web.token, 0600);\n"
            + "the page exchanges it for a cookie. Running it again prints the same URL until --stop.\n\n"
            + "Examples:\n"
            + "  coven web --open\n"
            + "  coven web --port 8737 --json\n"
            + "  coven web --stop")
        {
            open, stop, port, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            if (context.Remote is not null)
            {
                throw new CliException("usage", "coven web serves the local daemon only; on another host run it there and forward the port (ssh -L).", ExitCodes.Usage);
            }

            var client = await context.ConnectAsync(ct);
            string body;
            if (parse.GetValue(stop))
            {
                body = await client.SendAsync(HttpVerb.Delete, "api/v1/web", null, ct);
            }
            else
            {
                var request = new WebStartRequest { Port = parse.GetValue(port) };
                body = await client.SendAsync(HttpVerb.Post, "api/v1/web", JsonSerializer.Serialize(request, CovenJsonContext.Default.WebStartRequest), ct);
            }

            var status = CovenClient.Deserialize(body, CovenJsonContext.Default.WebStatusResponse);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, status, CovenJsonContext.Default.WebStatusResponse);
            }
            else
            {
                context.Out.WriteLine(status.Running ? status.Url : "web cockpit stopped");
            }

            if (status.Running && parse.GetValue(open))
            {
                Open(context, status);
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    /// <summary>
    /// Opens a 0600 file in COVEN_HOME that forwards to the URL, so the token is in no process's argv (which every
    /// user of the machine can read in /proc) — neither xdg-open's nor the browser's.
    /// </summary>
    private static void Open(CliContext context, WebStatusResponse status)
    {
        var opener = HarnessRegistry.ResolveExecutable("xdg-open", context.Console.Env("PATH"));
        if (opener is null)
        {
            context.Error.WriteLine("coven: no xdg-open on PATH; open the URL above in a browser.");
            return;
        }

        var file = Path.Combine(context.Paths.Home, "web-open.html");
        File.Delete(file);
        using (var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
        {
            var url = System.Net.WebUtility.HtmlEncode(status.Url);
            writer.Write($"<!doctype html><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"><meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>Coven</title>");
        }

        var psi = new ProcessStartInfo(opener) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(new Uri(file).AbsoluteUri);
        using var process = Process.Start(psi);
        if (process is null)
        {
            context.Error.WriteLine("coven: could not run xdg-open; open the URL above in a browser.");
        }
    }
}
