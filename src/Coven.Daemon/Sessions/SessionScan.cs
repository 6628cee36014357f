using Coven.Core;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>Every session a query matches, read page by page (reconciliation, the sweep, rituals).</summary>
internal static class SessionScan
{
    /// <summary>Every session in <paramref name="status"/>, archived ones included.</summary>
    public static List<SessionRecord> All(CovenStore store, SessionStatus status) =>
        All(store, new SessionQuery { Statuses = [status], IncludeArchived = true });

    /// <summary>Every session <paramref name="query"/> matches (its <c>Limit</c> and <c>Cursor</c> are the pages').</summary>
    public static List<SessionRecord> All(CovenStore store, SessionQuery query)
    {
        var all = new List<SessionRecord>();
        string? cursor = null;
        do
        {
            var page = store.Sessions.List(query with { Limit = 1000, Cursor = cursor });
            all.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
