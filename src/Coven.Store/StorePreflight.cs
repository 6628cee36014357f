using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>
/// Decides, before anything writes to it, whether the file at the store path is a Coven database this build can
/// use (issue 12 item 7). Reading only: a foreign file is never migrated, never switched to WAL, and (when no -wal
/// file exists) opened <c>immutable</c>, so SQLite creates no -shm/-wal next to it.
/// </summary>
public static class StorePreflight
{
    private static readonly byte[] s_header = "SQLite format 3\0"u8.ToArray();
    private static readonly string[] s_tables = ["sessions", "events", "ritual_schedules"];

    /// <summary>Null when the store is usable (or does not exist yet); otherwise a one-line reason.</summary>
    /// <param name="integrity">quick_check's answer when it ran ("ok" for a usable store).</param>
    public static string? Problem(string path, out string? integrity)
    {
        integrity = null;
        if (Directory.Exists(path))
        {
            return "it is a directory, not a database file";
        }

        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0)
        {
            integrity = "ok";
            return null; // a new store
        }

        var head = new byte[100];
        int read;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read < head.Length || !head.AsSpan(0, 16).SequenceEqual(s_header))
        {
            return $"it is not a SQLite database ({info.Length} bytes without the SQLite header)";
        }

        var pageSize = (head[16] << 8) | head[17];
        pageSize = pageSize == 1 ? 65536 : pageSize;
        var pages = (long)((uint)(head[28] << 24) | (uint)(head[29] << 16) | (uint)(head[30] << 8) | head[31]);
        var sizeValid = head.AsSpan(92, 4).SequenceEqual(head.AsSpan(24, 4));
        if (pageSize < 512 || info.Length % pageSize != 0 || (sizeValid && pages * pageSize > info.Length && !File.Exists(path + "-wal")))
        {
            return $"it is truncated ({info.Length} bytes; the header describes {pages} pages of {pageSize} bytes)";
        }

        try
        {
            using var connection = new SqliteConnection(ReadOnlyConnectionString(path));
            connection.Open();
            var version = Scalar<long>(connection, "PRAGMA user_version;");
            if (version > Migrations.LatestVersion)
            {
                return $"its schema version {version} is newer than this Coven knows ({Migrations.LatestVersion}); upgrade Coven";
            }

            var tables = new List<string>();
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            if (version == 0 && tables.Count > 0)
            {
                return $"it is a foreign SQLite database (no Coven schema version; tables: {string.Join(", ", tables.Take(5))})";
            }

            if (version > 0 && s_tables.Except(tables, StringComparer.Ordinal).ToList() is { Count: > 0 } missing)
            {
                return $"it is not a Coven database (schema version {version} but no {string.Join(", ", missing)} table)";
            }

            var check = Scalar<string>(connection, "PRAGMA quick_check;") ?? "unknown";
            if (check != "ok")
            {
                return "it is corrupt (quick_check: " + check.Split('\n')[0] + ")";
            }

            integrity = check;
            return null;
        }
        catch (SqliteException e)
        {
            return "SQLite cannot read it: " + e.Message.Split('\n')[0];
        }
    }

    private static string ReadOnlyConnectionString(string path)
    {
        // immutable=1 promises SQLite nobody changes the file, which lets it skip locks and the -shm file; only
        // true when no -wal exists (a live Coven store has one, and is then opened normally, read-only).
        var immutable = !File.Exists(path + "-wal");
        var source = immutable ? new Uri(path).AbsoluteUri + "?immutable=1" : path;
        return new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
    }

    private static T? Scalar<T>(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return (T?)Convert.ChangeType(cmd.ExecuteScalar(), typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
