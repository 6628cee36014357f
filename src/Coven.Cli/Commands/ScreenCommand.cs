using System.CommandLine;
using Coven.Cli.Output;
using Coven.Core;

namespace Coven.Cli.Commands;

/// <summary><c>coven screen &lt;id&gt;</c>: what the session's terminal shows now (or showed last, once it ended).</summary>
internal static class ScreenCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var ansi = new Option<bool>("--ansi") { Description = "Keep colours and attributes (SGR sequences)" };
        var json = Common.JsonOption("Print the API's screen object (cols, rows, cursor, altScreen, title, lines, ...)");
        var command = new Command(
            "screen",
            "Print the session's terminal screen as a person would see it now. For a session that has ended, the\n"
            + "last screen is replayed from its recorded output.\n\n"
            + "Examples:\n"
            + "  coven screen 0193a5f0\n"
            + "  coven screen 0193a5f0 --ansi\n"
            + "  coven screen 0193a5f0 --json | jq -r '.lines[]'")
        {
            session, ansi, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var withAnsi = parse.GetValue(ansi);
            var screen = await client.GetAsync(Common.SessionPath(s, "screen") + (withAnsi ? "?ansi=true" : string.Empty), CovenJsonContext.Default.ScreenDto, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, screen, CovenJsonContext.Default.ScreenDto);
                return ExitCodes.Ok;
            }

            if (withAnsi && screen.Ansi is { } painted)
            {
                // Rows end with the default style already; CR LF becomes the terminal's own line ends.
                context.Out.Write(painted.Replace("\r\n", "\n", StringComparison.Ordinal));
                context.Out.Write("\e[0m\n");
                return ExitCodes.Ok;
            }

            var count = screen.Lines.Count;
            while (count > 0 && screen.Lines[count - 1].Length == 0)
            {
                count--;
            }

            for (var i = 0; i < count; i++)
            {
                context.Out.Write(screen.Lines[i]);
                context.Out.Write('\n');
            }

            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }
}
