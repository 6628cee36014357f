using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>
/// The SQLite store (one file, WAL). Thread-safe: every operation opens a pooled connection. Writers are the
/// daemon (sessions, lifecycle and request events, schedules) and each lane (output and exit events of its session).
/// </summary>
public sealed class CovenStore : IDisposable
{
    private readonly string _connectionString;

    static CovenStore() => NativeSqlite.UseInstalledLibrary();

    public CovenStore(string databasePath, TimeProvider? time = null)
    {
        DatabasePath = databasePath;
        Time = time ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Sessions = new SessionRepository(this);
        Events = new EventRepository(this);
        Schedules = new ScheduleRepository(this);
        Familiars = new FamiliarRepository(this);
        Retention = new OutputRetention(this);

        Worktrees = new WorktreeRepository(this);
        Search = new OutputIndex(this);
    }

    public string DatabasePath { get; }
    public TimeProvider Time { get; }
    public SessionRepository Sessions { get; }
    public EventRepository Events { get; }
    public ScheduleRepository Schedules { get; }
    public FamiliarRepository Familiars { get; }
    public OutputRetention Retention { get; }

    /// <summary>The secrets replaced in input events before they are written (the daemon sets the settings file's rules).</summary>
    public Core.Redaction.RedactionRules Redaction { get; set; } = Core.Redaction.RedactionRules.Default;

    public WorktreeRepository Worktrees { get; }

    /// <summary>The full-text index of rendered output lines (docs/search.md).</summary>
    public OutputIndex Search { get; }

    /// <summary>Creates or upgrades the schema. Run by the daemon at start (and by tests).</summary>
    public void Migrate()
    {
        using var connection = Open();
        Migrations.Apply(connection);
    }

    /// <summary>
    /// chmod 0600 on the database and its -wal/-shm files (a store created by an older Coven under umask 022 is
    /// 0644). SQLite gives new -wal/-shm files the mode of the database file, so this also covers later ones.
    /// </summary>
    public void RestrictFileModes()
    {
        foreach (var path in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(path))
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestSchemaVersion => Migrations.LatestVersion;

    /// <summary>
    /// The oldest schema a lane of this build can write (it writes only its session's pids and events, unchanged
    /// since version 1). A lane writes schemas <see cref="LaneOldestSchemaVersion"/>..<see cref="LatestSchemaVersion"/>.
    /// </summary>
    public const int LaneOldestSchemaVersion = 1;

    /// <summary>
    /// The newest schema a running lane must write for covend to migrate to <see cref="LatestSchemaVersion"/>: steps
    /// that change only daemon-owned tables (the search index, v6 and v8; familiars and ritual schedules, v7) do not need new lanes.
    /// </summary>
    public static int LaneSchemaNeeded => Migrations.LaneNeeds;

    public int SchemaVersion()
    {
        using var connection = Open();
        return Migrations.ReadVersion(connection);
    }

    /// <summary>PRAGMA quick_check; "ok" when the file is sound.</summary>
    public string IntegrityCheck()
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA quick_check;";
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
    }

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var wait = s_requestWait.Value;
        using var cmd = connection.CreateCommand();
        // busy_timeout: lanes and the daemon write the same file; wait for the lock instead of failing.
        // synchronous=NORMAL in WAL keeps commits durable against process crashes (not power loss) at a fraction of FULL's cost.
        cmd.CommandText = $"PRAGMA busy_timeout={(wait is { } w ? (int)w.TotalMilliseconds : 10000)}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
        cmd.ExecuteNonQuery();

        // Microsoft.Data.Sqlite retries a busy statement itself until the command timeout: bound that too.
        connection.DefaultTimeout = wait is { } t ? Math.Max(1, (int)Math.Ceiling(t.TotalSeconds)) : 30;
        return connection;
    }

    private static readonly AsyncLocal<TimeSpan?> s_requestWait = new();

    /// <summary>
    /// Within the scope (an async flow: one HTTP request), a locked store fails after <paramref name="wait"/> with
    /// SQLITE_BUSY instead of blocking for 30 s, so the client gets a quick, retryable answer. Lanes and the daemon's
    /// background work keep waiting as long as before.
    /// </summary>
    public static IDisposable RequestScope(TimeSpan wait)
    {
        var previous = s_requestWait.Value;
        s_requestWait.Value = wait;
        return new Scope(previous);
    }

    private sealed class Scope(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => s_requestWait.Value = previous;
    }

    internal string Now() => Core.Timestamps.Of(Time.GetUtcNow());

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
