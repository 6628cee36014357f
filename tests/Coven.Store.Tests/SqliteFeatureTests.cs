using Microsoft.Data.Sqlite;

namespace Coven.Store.Tests;

/// <summary>Facts about the bundled SQLite (SQLitePCLRaw e_sqlite3) that the store's design relies on.</summary>
public sealed class SqliteFeatureTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Fts5_is_compiled_into_the_bundled_sqlite()
    {
        using var connection = new SqliteConnection($"Data Source={_f.DatabasePath}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            CREATE VIRTUAL TABLE fts_probe USING fts5(line);
            INSERT INTO fts_probe(line) VALUES ('the flaky test passed'), ('nothing here');
            SELECT line FROM fts_probe WHERE fts_probe MATCH 'flaky';
            """;
        Assert.Equal("the flaky test passed", cmd.ExecuteScalar());
    }
}
