using System.CommandLine;
using System.CommandLine.Parsing;

namespace Coven.Cli;

/// <summary>
/// The parse errors of a command line, said for a person: a value of the wrong type names the option and what it
/// expects ("invalid value 'abc' for --tail: expected a whole number"), not the .NET type; a missing argument, option
/// value or subcommand names what is missing ("missing &lt;id&gt; for 'coven show'"); an unknown command is one error, not
/// also "Required command was not provided".
/// </summary>
internal static class UsageErrors
{
    public static List<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count > 0 && command.Arguments.Count == 0 && parse.UnmatchedTokens.Count > 0)
        {
            var word = parse.UnmatchedTokens[0];
            return [word.StartsWith('-')
                ? $"unknown option '{word}' for '{CliApp.CommandPath(command)}'"
                : $"unknown command '{word}' for '{CliApp.CommandPath(command)}'"];
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
            var word = error.Message["Unrecognized command or argument '".Length..].TrimEnd('.').TrimEnd('\'');
            return word.StartsWith('-')
                ? $"unknown option '{word}' for '{CliApp.CommandPath(parsed)}'"
                : $"unexpected argument '{word}' for '{CliApp.CommandPath(parsed)}'";
        }

        if (error.Message.StartsWith("Argument '", StringComparison.Ordinal) && error.Message.Contains("not recognized. Must be one of:", StringComparison.Ordinal)
            && error.SymbolResult is ArgumentResult among)
        {
            var lines = error.Message.Split('\n');
            var allowed = lines.Skip(1).Select(l => l.Trim().Trim('\'')).Where(l => l.Length > 0);
            var given = string.Join(' ', among.Tokens.Select(t => t.Value));
            return $"invalid value '{given}' for <{among.Argument.HelpName ?? among.Argument.Name}>: expected one of {string.Join(", ", allowed)}";
        }

        // System.CommandLine's own sentences ("Required argument missing for command: 'show'.") said the way the rest of
        // coven's errors are: what is missing and for which command or option.
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

    private static string Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(int) || t == typeof(long) ? "a whole number"
            : t == typeof(double) || t == typeof(decimal) ? "a number"
            : t == typeof(bool) ? "true or false"
            : "a " + t.Name.ToLowerInvariant();
    }
}
