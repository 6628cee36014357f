using System.Globalization;

namespace Coven.Core;

/// <summary>Short durations as users type them: "500ms", "30s", "15m", "12h", "7d", "2w" (one unit).</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 24)
        {
            return false;
        }

        var t = text.Trim().ToLowerInvariant();
        var unitStart = 0;
        while (unitStart < t.Length && char.IsAsciiDigit(t[unitStart]))
        {
            unitStart++;
        }

        if (unitStart == 0 || !long.TryParse(t.AsSpan(0, unitStart), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        double ms = t[unitStart..] switch
        {
            "ms" => n,
            "s" or "" => n * 1000.0,
            "m" => n * 60_000.0,
            "h" => n * 3_600_000.0,
            "d" => n * 86_400_000.0,
            "w" => n * 604_800_000.0,
            _ => -1,
        };
        if (ms < 0 || ms > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static string Format(TimeSpan d) =>
        d.TotalDays >= 1 && d.TotalDays % 1 == 0 ? $"{d.TotalDays:0}d"
        : d.TotalHours >= 1 && d.TotalHours % 1 == 0 ? $"{d.TotalHours:0}h"
        : d.TotalMinutes >= 1 && d.TotalMinutes % 1 == 0 ? $"{d.TotalMinutes:0}m"
        : d.TotalSeconds >= 1 && d.TotalSeconds % 1 == 0 ? $"{d.TotalSeconds:0}s"
        : $"{d.TotalMilliseconds:0}ms";
}
