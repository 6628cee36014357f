using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Short references of sessions (<c>shortId</c>, docs/api-additions.md): the shortest tail of the id, at least
/// <see cref="MinLength"/> characters, that no other session's id (archived ones included) ends with or starts
/// with. A UUIDv7 starts with its timestamp, so ids made together share their first 8-11 characters; its last 12
/// are random, so a 6-character tail is unique among thousands of sessions, and the rare collision gets a longer
/// one. Kept in memory as the store's ids (sorted, and reversed and sorted), brought up to date at a use after
/// the daemon added or deleted sessions (<see cref="SessionRepository.Membership"/>; nothing else does while it
/// runs): the ids newer than the newest known one, and a full reload when the count says sessions were deleted.
/// A list request then asks the store for its page only (not also a count and an id scan, each on a pooled
/// connection with its pragmas; docs/benchmarks-cli.md).
/// </summary>
internal sealed class ShortIds(CovenStore store)
{
    public const int MinLength = 6;

    private readonly Lock _gate = new();
    private readonly List<string> _ids = [];
    private readonly List<string> _reversed = [];
    private long? _membership;

    /// <summary>The short id of each of <paramref name="ids"/> (all in the store), computed against every session.</summary>
    public Dictionary<string, string> For(IEnumerable<string> ids)
    {
        lock (_gate)
        {
            Refresh();
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                result[id] = ShortIdLocked(id);
            }

            return result;
        }
    }

    private void Refresh()
    {
        // Read before the queries: a session added while they run moves it again, so the next use looks again.
        var membership = store.Sessions.Membership;
        if (membership == _membership)
        {
            return;
        }

        var count = store.Sessions.CountAll();
        if (count < _ids.Count)
        {
            _ids.Clear();
            _reversed.Clear();
        }

        foreach (var id in store.Sessions.IdsAfter(_ids.Count > 0 ? _ids[^1] : string.Empty))
        {
            _ids.Add(id);
            var r = Reverse(id);
            var at = _reversed.BinarySearch(r, StringComparer.Ordinal);
            _reversed.Insert(at < 0 ? ~at : at, r);
        }

        if (_ids.Count != count)
        {
            // Deleted and created since the last use: start over (rare; 10,000 ids load in a few ms).
            _ids.Clear();
            _reversed.Clear();
            _ids.AddRange(store.Sessions.IdsAfter(string.Empty));
            _reversed.AddRange(_ids.Select(Reverse));
            _reversed.Sort(StringComparer.Ordinal);
        }

        _membership = membership;
    }

    private string ShortIdLocked(string id)
    {
        var r = Reverse(id);
        var at = _reversed.BinarySearch(r, StringComparer.Ordinal);
        var (before, after) = at >= 0 ? (at - 1, at + 1) : (~at - 1, ~at);
        var need = MinLength;
        if (before >= 0)
        {
            need = Math.Max(need, r.AsSpan().CommonPrefixLength(_reversed[before]) + 1);
        }

        if (after < _reversed.Count)
        {
            need = Math.Max(need, r.AsSpan().CommonPrefixLength(_reversed[after]) + 1);
        }

        while (need < id.Length)
        {
            if (id[^need] == '-')
            {
                need++;
                continue;
            }

            // A tail that is also the start of some id would resolve to two sessions: take one character more.
            var tail = id[^need..];
            var p = _ids.BinarySearch(tail, StringComparer.Ordinal);
            var first = p >= 0 ? p : ~p;
            if (first < _ids.Count && _ids[first].StartsWith(tail, StringComparison.Ordinal))
            {
                need++;
                continue;
            }

            break;
        }

        return need >= id.Length ? id : id[^need..];
    }

    private static string Reverse(string s) => string.Create(s.Length, s, static (span, src) =>
    {
        for (var i = 0; i < src.Length; i++)
        {
            span[i] = src[src.Length - 1 - i];
        }
    });
}
