using System.Text;
using System.Text.Json;

namespace Coven.Core;

/// <summary>
/// The arguments that inject a native activity signal into one launch (docs/attention.md), without touching the
/// user's own agent configuration: they run <c>coven-lane hook claude|codex</c> by absolute path, which tells the
/// session's lane (found through <c>$COVEN_ACTIVITY_SOCKET</c>, which the lane sets) what happened. Nothing secret is
/// in them: they are stored with the launch spec.
/// </summary>
public static class ActivityHookArguments
{
    /// <summary>
    /// The Claude Code events that carry activity. PermissionRequest runs as the permission dialog opens (Notification's
    /// permission_prompt comes seconds later: it is meant for a desktop notice); PreToolUse is left out: it would add a
    /// process to every tool call for nothing new.
    /// </summary>
    public static readonly string[] ClaudeEvents = ["UserPromptSubmit", "PermissionRequest", "PostToolUse", "Notification", "Stop"];

    /// <summary>argv to put before the harness's own; empty for <see cref="ActivityHookKind.None"/>.</summary>
    public static IReadOnlyList<string> Build(ActivityHookKind kind, string hookExecutable) => kind switch
    {
        ActivityHookKind.ClaudeHooks => ["--settings", ClaudeSettings(hookExecutable)],
        ActivityHookKind.CodexNotify => ["-c", "notify=[" + TomlString(hookExecutable) + ", \"hook\", \"codex\"]"],
        _ => [],
    };

    /// <summary>
    /// Claude Code runs a hook's command through a shell (its behaviour, not Coven's): one single-quoted absolute path
    /// and two fixed words, so nothing in the path can be read as shell syntax.
    /// </summary>
    public static string ClaudeSettings(string hookExecutable)
    {
        var command = ShellQuote(hookExecutable) + " hook claude";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("hooks");
            foreach (var name in ClaudeEvents)
            {
                w.WriteStartArray(name);
                w.WriteStartObject();
                if (name is "PostToolUse" or "PermissionRequest")
                {
                    w.WriteString("matcher", "*");
                }

                w.WriteStartArray("hooks");
                w.WriteStartObject();
                w.WriteString("type", "command");
                w.WriteString("command", command);
                w.WriteNumber("timeout", 10);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>POSIX single quotes: everything literal; a quote inside is closed, escaped and reopened.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A TOML basic string (Codex parses <c>-c</c> values as TOML).</summary>
    public static string TomlString(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case < ' ' or '\u007f':
                    sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
