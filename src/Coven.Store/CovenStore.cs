using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>
/// The SQLite store (one file, WAL). Thread-safe: every operation opens a pooled connection. Writers are the
/// daemon (sessions, lifecycle and request events, schedules) and each lane (output and exit events of its session).
/// </summary>
public sealed class CovenStore : IDisposable
{
    private readonly string _connectionString;

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
        Worktrees = new WorktreeRepository(this);
    }

    public string DatabasePath { get; }
    public TimeProvider Time { get; }
    public SessionRepository Sessions { get; }
    public EventRepository Events { get; }
    public ScheduleRepository Schedules { get; }
    public FamiliarRepository Familiars { get; }
    public WorktreeRepository Worktrees { get; }

    /// <summary>Creates or upgrades the schema. Run by the daemon at start (and by tests).</summary>
    public void Migrate()
    {
        using var connection = Open();
        Migrations.Apply(connection);
    }

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
        using var cmd = connection.CreateCommand();
        // busy_timeout: lanes and the daemon write the same file; wait for the lock instead of failing.
        // synchronous=NORMAL in WAL keeps commits durable against process crashes (not power loss) at a fraction of FULL's cost.
        cmd.CommandText = "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
        cmd.ExecuteNonQuery();
        return connection;
    }

    internal string Now() => Core.Timestamps.Of(Time.GetUtcNow());

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
