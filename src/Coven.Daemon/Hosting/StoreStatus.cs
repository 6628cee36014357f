using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Hosting;

/// <summary>
/// What the store last said to a request: busy (another writer holds the lock) or full (no space for the write),
/// reported in health until a later request writes successfully or 30 s pass (issue 12 item 9). A full disk is
/// also seen without a failed request: lanes that cannot record output wait silently (losing nothing), so the
/// free space of COVEN_HOME's file system below <see cref="FullBelowBytes"/> is "full" too (issue 15).
/// </summary>
internal sealed class StoreStatus(TimeProvider time, DaemonOptions options)
{
    /// <summary>Less free space than this on COVEN_HOME's file system is a full store (SQLite needs room for WAL frames).</summary>
    public const long FullBelowBytes = 1024 * 1024;

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
                if (_state != "ok" && time.GetUtcNow() - _at <= s_memory)
                {
                    return (_state, _error);
                }
            }

            return FreeDiskBytes() is { } free && free < FullBelowBytes
                ? ("full", $"store full: {free} bytes free on the file system of {options.Paths.Home}; live sessions wait to record their output until space is freed")
                : ("ok", null);
        }
    }

    /// <summary>Free bytes for an unprivileged user on COVEN_HOME's file system (statvfs), or null when unknown.</summary>
    public long? FreeDiskBytes()
    {
        try
        {
            return new DriveInfo(options.Paths.Home).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
