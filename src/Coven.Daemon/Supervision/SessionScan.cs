using Coven.Core;
using Coven.Store;

namespace Coven.Daemon.Supervision;

/// <summary>Every session in one status, archived ones included, read page by page (reconciliation and the sweep).</summary>
internal static class SessionScan
{
    public static List<SessionRecord> All(CovenStore store, SessionStatus status)
    {
        var all = new List<SessionRecord>();
        string? cursor = null;
        do
        {
            var page = store.Sessions.List(new SessionQuery { Statuses = [status], Limit = 1000, Cursor = cursor, IncludeArchived = true });
            all.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
