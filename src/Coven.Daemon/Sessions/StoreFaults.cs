using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Sessions;

/// <summary>
/// The store refusing a write for a reason that passes (another writer holds the lock, the disk is full, the file is
/// read-only) as opposed to a broken invariant. The codes are the API's <c>store_busy</c> and <c>store_full</c>.
/// </summary>
internal static class StoreFaults
{
    public const string Busy = "store_busy";
    public const string Full = "store_full";

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteFull = 13;

    public static bool IsWriteFault(Exception e) => Sqlite(e) is { } s && (s.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteReadOnly or SqliteIoErr or SqliteFull;

    /// <summary><c>store_full</c> for a full disk (or a write I/O error), <c>store_busy</c> otherwise.</summary>
    public static string CodeOf(Exception e) => Sqlite(e)?.SqliteErrorCode is { } code && (code & 0xFF) is SqliteFull or SqliteIoErr ? Full : Busy;

    private static SqliteException? Sqlite(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SqliteException s)
            {
                return s;
            }
        }

        return null;
    }
}
