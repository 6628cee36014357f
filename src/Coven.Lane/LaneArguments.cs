using Coven.Core;

namespace Coven.Lane;

/// <summary><c>coven-lane --session &lt;id&gt; --home &lt;COVEN_HOME&gt;</c>; the home may also come from COVEN_HOME.</summary>
internal sealed record LaneArguments(SessionId Session, CovenPaths Paths)
{
    public static bool TryParse(string[] args, out LaneArguments? parsed, out string error)
    {
        parsed = null;
        string? session = null;
        string? home = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--session" when value is not null:
                    session = value;
                    i++;
                    break;
                case "--home" when value is not null:
                    home = value;
                    i++;
                    break;
                default:
                    error = $"unexpected argument '{args[i]}' (usage: coven-lane --session <id> --home <dir>)";
                    return false;
            }
        }

        home ??= Environment.GetEnvironmentVariable("COVEN_HOME");
        if (!SessionId.TryParse(session, out var id))
        {
            error = session is null ? "missing --session <id>" : $"'{session}' is not a session id";
            return false;
        }

        if (string.IsNullOrEmpty(home))
        {
            error = "missing --home <dir> (or COVEN_HOME)";
            return false;
        }

        parsed = new LaneArguments(id, new CovenPaths(home));
        error = string.Empty;
        return true;
    }
}
