using System.Globalization;
using Coven.Core;

namespace Coven.Cli.Output;

/// <summary>Human forms of times, paths and exit information.</summary>
internal static class Format
{
    /// <summary>"12s", "3m", "2h", "5d", "7w" since <paramref name="timestamp"/>.</summary>
    public static string Age(string timestamp, DateTimeOffset now)
    {
        if (!TryParseTime(timestamp, out var time))
        {
            return "?";
        }

        var d = now - time;
        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalSeconds < 60 ? $"{(int)d.TotalSeconds}s"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes}m"
            : d.TotalHours < 24 ? $"{(int)d.TotalHours}h"
            : d.TotalDays < 14 ? $"{(int)d.TotalDays}d"
            : $"{(int)(d.TotalDays / 7)}w";
    }

    public static bool TryParseTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Replaces the home directory prefix with "~".</summary>
    public static string TildePath(string path, string? home)
    {
        if (string.IsNullOrEmpty(home) || home == "/")
        {
            return path;
        }

        home = home.TrimEnd('/');
        if (path == home)
        {
            return "~";
        }

        return path.StartsWith(home + "/", StringComparison.Ordinal) ? "~" + path[home.Length..] : path;
    }

    /// <summary>"finished, exit 0", "failed, exit 3", "failed, SIGTERM", or just the status.</summary>
    public static string Ending(string status, int? exitCode, string? exitSignal)
    {
        if (exitSignal is { Length: > 0 })
        {
            return $"{status}, {exitSignal}";
        }

        return exitCode is { } code ? $"{status}, exit {code}" : status;
    }

    /// <summary>The process exit code that mirrors a session's end: the harness code, or 128 + signal.</summary>
    public static int ExitCodeOf(int? exitCode, string? exitSignal, string status)
    {
        if (exitCode is { } code)
        {
            return code is >= 0 and <= 255 ? code : ExitCodes.Failed;
        }

        if (exitSignal is { Length: > 0 } && Signals.TryParse(exitSignal, out var sig))
        {
            return 128 + sig;
        }

        return status == "finished" ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
