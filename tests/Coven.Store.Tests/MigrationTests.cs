using Coven.TestSupport;
using Microsoft.Data.Sqlite;

namespace Coven.Store.Tests;

public sealed class MigrationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Migrate_NewFile_SetsVersionWalAndIsIdempotent()
    {
        using var store = new CovenStore(_dir.Combine("coven.db"));
        store.Migrate();
        store.Migrate();

        Assert.Equal(Migrations.LatestVersion, store.SchemaVersion());
        Assert.Equal("ok", store.IntegrityCheck());
        using var c = new SqliteConnection($"Data Source={store.DatabasePath}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Migrate_SchemaNewerThanCode_RefusesWithClearError()
    {
        var path = _dir.Combine("future.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 999;";
            cmd.ExecuteNonQuery();
        }

        using var store = new CovenStore(path);
        var e = Assert.Throws<StoreException>(store.Migrate);
        Assert.Contains("newer than this Coven", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ForeignKeysAreOn()
    {
        using var store = new CovenStore(_dir.Combine("fk.db"));
        store.Migrate();
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA foreign_keys;";
        Assert.Equal(1L, cmd.ExecuteScalar());
    }
}
