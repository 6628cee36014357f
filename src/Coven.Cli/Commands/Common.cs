using System.CommandLine;
using Coven.Cli.Api;
using Coven.Cli.Attach;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary>Options and helpers several commands share.</summary>
internal static class Common
{
    public static Option<bool> JsonOption(string what = "Print JSON (stable shape, see docs/cli.md)") => new("--json") { Description = what };

    public static Argument<string> SessionArgument() => new("session")
    {
        Description = "Session id or a unique prefix of it",
        HelpName = "id",
    };

    public static Option<string?> DetachKeyOption() => new("--detach-key")
    {
        Description = "Key that detaches, leaving the session running: ctrl-X, ^X or none (default ctrl-])",
        HelpName = "key",
    };

    public static int ParseDetachKey(string? text) =>
        DetachKey.TryParse(text, out var key) ? key : throw CliException.Usage($"invalid detach key '{text}' (use e.g. ctrl-], ^q or none)");

    public static async Task<(CovenClient Client, SessionDto Session)> ResolveAsync(CliContext context, string reference, CancellationToken ct)
    {
        reference = QualifiedReference(context, reference);
        var client = await context.ConnectAsync(ct);
        var session = await SessionResolver.ResolveAsync(client, reference, ct);
        return (client, session);
    }

    /// <summary>
    /// A reference qualified by a context name ("build:3fa9") points the command at that host and leaves the
    /// session part; "local:3fa9" means this machine. Unqualified references are returned as they are.
    /// </summary>
    public static string QualifiedReference(CliContext context, string reference)
    {
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return reference;
        }

        context.UseHost(reference[..colon]);
        return reference[(colon + 1)..];
    }

    public static string SessionPath(SessionDto session, string action = "") =>
        $"api/v1/sessions/{session.Id}{(action.Length > 0 ? "/" + action : string.Empty)}";

    public static void WriteSession(CliContext context, SessionDto session) =>
        JsonOutput.Write(context.Out, session, CovenJsonContext.Default.SessionDto);

    public static string Paint(CliContext context, string style, string text) => Ansi.Paint(context.Console.Color, style, text);

    /// <summary>Reads a line from stdin (fd 0) without System.Console.</summary>
    public static unsafe string? ReadLine()
    {
        var bytes = new List<byte>();
        var one = stackalloc byte[1];
        while (true)
        {
            var n = Interop.Libc.Read(0, one, 1);
            if (n <= 0)
            {
                return bytes.Count == 0 ? null : System.Text.Encoding.UTF8.GetString([.. bytes]);
            }

            if (one[0] == (byte)'\n')
            {
                return System.Text.Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.Add(one[0]);
        }
    }
}
