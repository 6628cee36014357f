using System.Globalization;

namespace Coven.Daemon.Api;

/// <summary>Strict parsing of query-string values: a bad value is a 400, never silently ignored.</summary>
internal static class QueryValues
{
    public static bool TryGetLong(IQueryCollection query, string name, long fallback, long min, long max, out long value, out ApiResult? error)
    {
        error = null;
        value = fallback;
        if (!query.TryGetValue(name, out var raw) || string.IsNullOrEmpty(raw.ToString()))
        {
            return true;
        }

        if (raw.Count > 1 || !long.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = ApiErrors.InvalidRequest($"{name} must be an integer between {min} and {max}.");
            return false;
        }

        return true;
    }

    public static bool TryGetBool(IQueryCollection query, string name, out bool value, out ApiResult? error)
    {
        error = null;
        value = false;
        if (!query.TryGetValue(name, out var raw) || string.IsNullOrEmpty(raw.ToString()))
        {
            return true;
        }

        switch (raw.ToString().ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                value = true;
                return true;
            case "false" or "0" or "no":
                return true;
            default:
                error = ApiErrors.InvalidRequest($"{name} must be true or false.");
                return false;
        }
    }

    public static string? GetString(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var raw) && raw.Count > 0 && !string.IsNullOrEmpty(raw[0]) ? raw[0] : null;
}
