using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Resolves what a Cast Code names: an exact id, or a unique id prefix (lowercase, at least 4 characters). No match
/// is 404 session_not_found; several are 409 ambiguous_session with the candidates. Never guesses.
/// </summary>
internal static class SessionLookup
{
    private const int MaxCandidates = 10;

    public static (SessionRecord? Session, ApiResult? Error) Find(CovenStore store, string? reference)
    {
        var text = reference?.Trim() ?? string.Empty;
        if (SessionId.TryParse(text, out var id))
        {
            return store.Sessions.Get(id) is { } exact ? (exact, null) : (null, ApiErrors.SessionNotFound(text));
        }

        if (text.Length < 4 || text.Any(c => !char.IsAsciiHexDigitLower(c) && c != '-'))
        {
            return (null, ApiErrors.SessionNotFound(text));
        }

        var matches = store.Sessions.List(new SessionQuery { IdPrefix = text, IncludeArchived = true, Limit = MaxCandidates + 1 }).Sessions;
        return matches.Count switch
        {
            0 => (null, ApiErrors.SessionNotFound(text)),
            1 => (matches[0], null),
            _ => (null, ApiResult.Error(
                409,
                CastErrorCodes.AmbiguousSession,
                $"session prefix '{text}' matches {(matches.Count > MaxCandidates ? "more than " + MaxCandidates : matches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} sessions; use more characters.",
                new() { ["prefix"] = text, ["candidates"] = matches.Take(MaxCandidates).Select(s => s.Id.Value).ToArray() })),
        };
    }
}
