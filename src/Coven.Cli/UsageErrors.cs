using System.CommandLine;
using System.CommandLine.Parsing;

namespace Coven.Cli;

/// <summary>
/// The parse errors of a command line, said for a person and not in System.CommandLine's stock sentences (recognised
/// by their English start; the CLI runs with invariant globalization): a value of the wrong type names the option and
/// what it expects ("invalid value 'abc' for --tail: expected a whole number"), not the .NET type; a missing argument,
/// option value or subcommand names what is missing ("missing &lt;id&gt; for 'coven show'"); an unknown command or
/// option is one error, with the nearest known name when it is a near miss (docs/cli.md, "Bad values").
/// </summary>
internal static class UsageErrors
{
    public static List<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count > 0 && command.Arguments.Count == 0 && parse.UnmatchedTokens.Count > 0)
        {
            return [Unknown(parse.UnmatchedTokens[0], command)];
        }

        // What is wrong with what was typed comes before what was left out ("needs a command").
        return [.. parse.Errors.OrderBy(e => IsMissingCommand(e) ? 1 : 0).Select(e => Describe(e, command)).Distinct(StringComparer.Ordinal)];
    }

    private static bool IsMissingCommand(ParseError error) =>
        error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal);

    private static string Describe(ParseError error, Command parsed)
    {
        if (error.Message.StartsWith("Unrecognized command or argument '", StringComparison.Ordinal))
        {
            return Unknown(error.Message["Unrecognized command or argument '".Length..].TrimEnd('.').TrimEnd('\''), parsed);
        }

        if (error.Message.StartsWith("Option '", StringComparison.Ordinal) && error.Message.Contains("expects a single argument but", StringComparison.Ordinal)
            && error.SymbolResult is OptionResult repeated)
        {
            return $"{repeated.Option.Name} takes one value; it was given {repeated.Tokens.Count}";
        }

        if (error.Message.StartsWith("Argument '", StringComparison.Ordinal) && error.Message.Contains("not recognized. Must be one of:", StringComparison.Ordinal)
            && error.SymbolResult is ArgumentResult among)
        {
            var lines = error.Message.Split('\n');
            var allowed = lines.Skip(1).Select(l => l.Trim().Trim('\'')).Where(l => l.Length > 0);
            var given = string.Join(' ', among.Tokens.Select(t => t.Value));
            return $"invalid value '{given}' for <{among.Argument.HelpName ?? among.Argument.Name}>: expected one of {string.Join(", ", allowed)}";
        }

        if (IsMissingCommand(error) && error.SymbolResult is CommandResult needs)
        {
            // A few are listed; the root's thirty are what the "Run 'coven --help'" line after the usage is for.
            string[] names = [.. needs.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)];
            var path = CliApp.CommandPath(needs.Command);
            return names.Length <= 8 ? $"'{path}' needs a command: {string.Join(", ", names)}" : $"'{path}' needs a command";
        }

        if (error.Message.StartsWith("Required argument missing", StringComparison.Ordinal))
        {
            var owner = error.SymbolResult is ArgumentResult argument ? argument.Parent : error.SymbolResult;
            switch (owner)
            {
                case OptionResult option:
                    return $"{option.Option.Name} needs a value" + (option.Option.HelpName is { } value ? $" (<{value}>)" : string.Empty);
                case CommandResult command:
                    var missing = error.SymbolResult is ArgumentResult a
                        ? a.Argument
                        : command.Command.Arguments.FirstOrDefault(x => x.Arity.MinimumNumberOfValues > 0);
                    if (missing is not null)
                    {
                        return $"missing <{missing.HelpName ?? missing.Name}> for '{CliApp.CommandPath(command.Command)}'";
                    }

                    break;
            }

            return error.Message;
        }

        if (!error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
        {
            return error.Message;
        }

        return error.SymbolResult switch
        {
            OptionResult o => $"invalid value '{string.Join(' ', o.Tokens.Select(t => t.Value))}' for {o.Option.Name}: expected {Expected(o.Option.ValueType)}",
            ArgumentResult a => $"invalid value '{string.Join(' ', a.Tokens.Select(t => t.Value))}' for <{a.Argument.HelpName ?? a.Argument.Name}>: expected {Expected(a.Argument.ValueType)}",
            _ => error.Message,
        };
    }

    /// <summary>An option, subcommand or argument <paramref name="command"/> does not know, with the nearest name it does know.</summary>
    private static string Unknown(string word, Command command)
    {
        var path = CliApp.CommandPath(command);
        if (word.StartsWith('-'))
        {
            return $"unknown option '{word}' for '{path}'" + DidYouMean(word, CliApp.OptionsOf(command).SelectMany(o => o.Aliases.Prepend(o.Name)));
        }

        return command.Subcommands.Count > 0
            ? $"unknown command '{word}' for '{path}'" + DidYouMean(word, command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)))
            : $"unexpected argument '{word}' for '{path}'";
    }

    /// <summary>
    /// " (did you mean 'X'?)" for the known name nearest to a typo (at most two edits, fewer than half the word), else
    /// nothing. Ours, not System.CommandLine's typo correction: that one is part of its ParseErrorAction, which prints
    /// its own sentences ("… was not matched. Did you mean one of the following?") to the output and returns nothing.
    /// </summary>
    private static string DidYouMean(string word, IEnumerable<string> known)
    {
        var limit = Math.Min(2, (word.TrimStart('-').Length - 1) / 2);
        var best = known.Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Edits(word, name)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? string.Empty : $" (did you mean '{best.Name}'?)";
    }

    /// <summary>Edits between two words: insertions, deletions, substitutions and swaps of neighbours, one each.</summary>
    private static int Edits(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(int) || t == typeof(long) ? "a whole number"
            : t == typeof(double) || t == typeof(decimal) ? "a number"
            : t == typeof(bool) ? "true or false"
            : "a " + t.Name.ToLowerInvariant();
    }
}
