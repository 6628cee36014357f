using Coven.Core;

namespace Coven.Lane;

/// <summary>
/// <c>coven-lane --session &lt;id&gt; --home &lt;COVEN_HOME&gt;</c>, or <c>coven-lane --spare --home &lt;COVEN_HOME&gt;</c> for the
/// daemon's warm lane, whose session arrives on stdin (<see cref="SpareAssignment"/>); the home may also come from COVEN_HOME.
/// </summary>
/// <param name="Session">The session to run; null for a spare lane.</param>
/// <param name="HarnessUmask">From <c>--umask OCTAL</c> (the daemon's inherited umask); null keeps the lane's.</param>
/// <param name="HarnessFileLimit">From <c>--nofile N</c> (the daemon's original soft RLIMIT_NOFILE); null keeps the lane's original.</param>
internal sealed record LaneArguments(SessionId? Session, CovenPaths Paths, uint? HarnessUmask = null, ulong? HarnessFileLimit = null)
{
    public bool Spare => Session is null;

    public static bool TryParse(string[] args, out LaneArguments? parsed, out string error)
    {
        parsed = null;
        string? session = null;
        string? home = null;
        uint? umask = null;
        ulong? nofile = null;
        var spare = false;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--session" when value is not null:
                    session = value;
                    i++;
                    break;
                case "--spare":
                    spare = true;
                    break;
                case "--home" when value is not null:
                    home = value;
                    i++;
                    break;
                case "--umask" when value is not null:
                    if (!TryParseOctal(value, out var mask))
                    {
                        error = $"'{value}' is not an octal umask";
                        return false;
                    }

                    umask = mask;
                    i++;
                    break;
                case "--nofile" when value is not null:
                    if (!ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit))
                    {
                        error = $"'{value}' is not a descriptor limit";
                        return false;
                    }

                    nofile = limit;
                    i++;
                    break;
                default:
                    error = $"unexpected argument '{args[i]}' (usage: coven-lane --session <id> | --spare  --home <dir> [--umask <octal>] [--nofile <n>])";
                    return false;
            }
        }

        home ??= Environment.GetEnvironmentVariable("COVEN_HOME");
        SessionId? id = null;
        if (spare)
        {
            if (session is not null)
            {
                error = "--spare and --session exclude each other (a spare lane gets its session on stdin)";
                return false;
            }
        }
        else if (SessionId.TryParse(session, out var parsedId))
        {
            id = parsedId;
        }
        else
        {
            error = session is null ? "missing --session <id>" : $"'{session}' is not a session id";
            return false;
        }

        if (string.IsNullOrEmpty(home))
        {
            error = "missing --home <dir> (or COVEN_HOME)";
            return false;
        }

        parsed = new LaneArguments(id, new CovenPaths(home), umask, nofile);
        error = string.Empty;
        return true;
    }

    private static bool TryParseOctal(string text, out uint mask)
    {
        mask = 0;
        if (text.Length is 0 or > 4)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            mask = (mask * 8) + (uint)(c - '0');
        }

        return true;
    }
}
