using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Hosting;

/// <summary>
/// What the store last said to a request: busy (another writer holds the lock) or full (no space for the write),
/// reported in health until a later request writes successfully or 30 s pass (issue 12 item 9).
/// </summary>
internal sealed class StoreStatus(TimeProvider time)
{
    public const int SqliteBusy = 5;
    public const int SqliteLocked = 6;
    public const int SqliteFull = 13;

    private static readonly TimeSpan s_memory = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private string _state = "ok";
    private string? _error;
    private DateTimeOffset _at;

    /// <summary>How long a request waits for the store's write lock before answering 503 store_busy.</summary>
    public static TimeSpan RequestWait { get; } = TimeSpan.FromSeconds(3);

    /// <summary>"busy", "full" or null for a SQLite failure of another kind (searches the inner exceptions).</summary>
    public static string? Classify(Exception e, out SqliteException? sqlite)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is SqliteException s)
            {
                sqlite = s;
                return s.SqliteErrorCode switch
                {
                    SqliteBusy or SqliteLocked => "busy",
                    SqliteFull => "full",
                    _ => null,
                };
            }
        }

        sqlite = null;
        return null;
    }

    public void Failed(string state, string message)
    {
        lock (_gate)
        {
            (_state, _error, _at) = (state, message, time.GetUtcNow());
        }
    }

    /// <summary>A write request succeeded: the store takes writes again.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            (_state, _error) = ("ok", null);
        }
    }

    /// <summary>The state now ("ok", "busy", "full") and the last error message behind it.</summary>
    public (string State, string? Error) Current
    {
        get
        {
            lock (_gate)
            {
                return _state == "ok" || time.GetUtcNow() - _at > s_memory ? ("ok", null) : (_state, _error);
            }
        }
    }
}
