using System.CommandLine;
using Coven.Cli.Output;

namespace Coven.Cli.Commands;

internal static class ShowCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var json = Common.JsonOption("Print the SessionDto record");
        var command = new Command(
            "show",
            "Show one session: its record, allowed actions, pids and exit information.\n\n"
            + "Examples:\n"
            + "  coven show 0193a5f0\n"
            + "  coven show 0193a5f0 --json | jq .status")
        {
            session, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (_, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            if (parse.GetValue(json))
            {
                Common.WriteSession(context, s);
                return ExitCodes.Ok;
            }

            var o = context.Out;
            void Row(string name, string? value, string style = "")
            {
                if (!string.IsNullOrEmpty(value))
                {
                    o.WriteLine($"{name,-16}{(style.Length > 0 ? Common.Paint(context, style, value) : value)}");
                }
            }

            Row("id", s.Id);
            Row("title", s.Title);
            Row("familiar", s.Familiar);
            Row("harness", s.Harness + (s.Model is { Length: > 0 } m ? $" (model {m})" : string.Empty));
            Row("status", s.Status + (s.ArchivedFrom is { Length: > 0 } from ? $" (from {from})" : string.Empty), Ansi.StatusStyle(s.Status));
            Row("project", Format.TildePath(s.ProjectRoot, context.UserHome));
            Row("cwd", Format.TildePath(s.Cwd, context.UserHome));
            Row("created", $"{s.CreatedAt} ({Format.Age(s.CreatedAt, DateTimeOffset.UtcNow)} ago)");
            Row("updated", s.UpdatedAt);
            Row("prompt", s.Prompt);
            if (s.Cols > 0 && s.Rows > 0)
            {
                Row("size", $"{s.Cols}x{s.Rows}");
            }

            Row("lane pid", s.LanePid?.ToString());
            Row("harness pid", s.HarnessPid?.ToString());
            Row("exit code", s.ExitCode?.ToString());
            Row("exit signal", s.ExitSignal);
            Row("end reason", s.EndReason);
            Row("message", s.Message);
            Row("resumed from", s.ResumedFrom);
            Row("conversation", s.ConversationId);
            Row("activity", s.Status == "live" || s.ActivitySince is not null
                ? $"{s.Activity}{(s.ActivitySince is { } since ? " since " + since : string.Empty)}{(s.ActivityReason is { } why ? " (" + why + ")" : string.Empty)}"
                : null);
            Row("actions", s.AllowedActions.Count == 0 ? "(none)" : string.Join(", ", s.AllowedActions));
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }
}
