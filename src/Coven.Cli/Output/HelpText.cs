using System.CommandLine;
using System.Text;

namespace Coven.Cli.Output;

/// <summary>Help in the style of git/gh: description (with examples), usage, arguments, options, subcommands by their first line.</summary>
internal static class HelpText
{
    public static string For(Command command)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(command.Description))
        {
            sb.Append(command.Description.TrimEnd()).Append("\n\n");
        }

        sb.Append("Usage:\n  ").Append(CliApp.UsageLine(command)).Append('\n');

        var args = command.Arguments.Where(a => !a.Hidden).Select(a => ("<" + (a.HelpName ?? a.Name) + ">", a.Description ?? string.Empty)).ToList();
        Section(sb, "Arguments", args);

        Section(sb, "Options", [.. CliApp.OptionsOf(command).Select(o => (Label(o), o.Description ?? string.Empty))]);

        var subs = command.Subcommands.Where(s => !s.Hidden)
            .Select(s => (string.Join(", ", s.Aliases.Prepend(s.Name)), Summary(s.Description)))
            .ToList();
        Section(sb, "Commands", subs);
        if (subs.Count > 0)
        {
            sb.Append($"\nRun '{CliApp.CommandPath(command)} <command> --help' for a command's options and examples.\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// A command's one-line summary: the first sentence of its first paragraph (the description's lines are wrapped,
    /// so its first line can end mid-sentence).
    /// </summary>
    public static string Summary(string? description)
    {
        var paragraph = (description ?? string.Empty).Split("\n\n")[0].Replace('\n', ' ').Trim();
        var end = paragraph.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? paragraph[..(end + 1)] : paragraph;
    }

    private static string Label(Option o)
    {
        var names = o.Aliases.Append(o.Name).Where(n => n.StartsWith('-') && n != "-?").Distinct().OrderBy(n => n.Length).ToList();
        var label = string.Join(", ", names);
        if (o.ValueType != typeof(bool) && o.Arity.MaximumNumberOfValues > 0)
        {
            label += " <" + (o.HelpName ?? o.Name.TrimStart('-')) + ">";
        }

        return label;
    }

    private static void Section(StringBuilder sb, string title, List<(string Left, string Right)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var width = rows.Max(r => r.Left.Length) + 2;
        sb.Append('\n').Append(title).Append(":\n");
        foreach (var (left, right) in rows)
        {
            sb.Append("  ").Append(left.PadRight(width)).Append(right).Append('\n');
        }
    }
}
