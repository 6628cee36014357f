using System.CommandLine;
using System.CommandLine.Parsing;

namespace Coven.Cli;

/// <summary>
/// The parse errors of a command line, said for a person: a value of the wrong type names the option and what it
/// expects ("invalid value 'abc' for --tail: expected a whole number"), not the .NET type, and an unknown command
/// is one error, not also "Required command was not provided".
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
