namespace Coven.Cli.Output;

/// <summary>Plain ANSI SGR colouring (no dependency, cheap at start-up).</summary>
internal static class Ansi
{
    public const string Reset = "\e[0m";
    public const string Bold = "\e[1m";
    public const string Dim = "\e[2m";
    public const string Red = "\e[31m";
    public const string Green = "\e[32m";
    public const string Yellow = "\e[33m";
    public const string Blue = "\e[34m";
    public const string Magenta = "\e[35m";
    public const string Cyan = "\e[36m";

    public static string Paint(bool enabled, string style, string text) => enabled ? style + text + Reset : text;

    public static string StatusStyle(string status) => status switch
    {
        "live" => Green,
        "pending" => Yellow,
        "finished" => Blue,
        "failed" => Red,
        "orphaned" => Magenta,
        "archived" => Dim,
        _ => string.Empty,
    };
}
