using System.CommandLine.Parsing;

namespace Coven.Cli.Commands;

/// <summary>Validator helpers: a value that failed conversion is already a parse error, so validators skip it.</summary>
internal static class OptionValues
{
    public static bool TryGet<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
