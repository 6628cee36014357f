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

        return [.. parse.Errors.Select(Describe).Distinct(StringComparer.Ordinal)];
    }

    private static string Describe(ParseError error)
    {
        // System.CommandLine's own sentences ("Required argument missing for command: 'show'.") said the way the rest of
        // coven's errors are: what is missing and for which command or option.
        if (error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal) && error.SymbolResult is CommandResult needs)
        {
            var names = needs.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            return $"'{CliApp.CommandPath(needs.Command)}' needs a command: {string.Join(", ", names)}";
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
