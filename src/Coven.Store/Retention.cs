using System.Globalization;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>The bounds of <c>COVEN_HOME/retention.json</c> (docs/retention.md); 0 turns a bound off.</summary>
public sealed record RetentionSettings
{
    public const string FileName = "retention.json";

    public long MaxSessionOutputBytes { get; init; } = 64L * 1024 * 1024;
    public long MaxStoreBytes { get; init; } = 4L * 1024 * 1024 * 1024;
    public long MinFreeDiskBytes { get; init; } = 256L * 1024 * 1024;
    public int MaxAgeDays { get; init; }

    /// <summary>How often the daemon applies the bounds; 0: only on <c>coven prune --yes</c>.</summary>
    public int IntervalMinutes { get; init; } = 10;

    public static RetentionSettings Default { get; } = new();

    /// <summary>The settings file, or the defaults when there is none; a file that cannot be used gives the defaults and an error.</summary>
    public static RetentionSettings Load(string covenHome, out string? error)
    {
        error = null;
        var path = Path.Combine(covenHome, FileName);
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : Default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            error = $"{path}: {e.Message} (the defaults apply)";
            return Default;
        }
    }

    public static RetentionSettings Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the settings must be a JSON object");
        }

        long Long(string name, long fallback) =>
            !root.TryGetProperty(name, out var v) ? fallback
            : v.TryGetInt64(out var n) && n >= 0 ? n
            : throw new FormatException($"\"{name}\" must be a non-negative integer");

        return new RetentionSettings
        {
            MaxSessionOutputBytes = Long("maxSessionOutputBytes", Default.MaxSessionOutputBytes),
            MaxStoreBytes = Long("maxStoreBytes", Default.MaxStoreBytes),
            MinFreeDiskBytes = Long("minFreeDiskBytes", Default.MinFreeDiskBytes),
            MaxAgeDays = (int)Math.Min(int.MaxValue, Long("maxAgeDays", Default.MaxAgeDays)),
            IntervalMinutes = (int)Math.Min(int.MaxValue, Long("intervalMinutes", Default.IntervalMinutes)),
        };
    }
}

/// <summary>One pruned (or, in a dry run, prunable) range of a session's output.</summary>
public sealed record PruneRange(string SessionId, long FromSeq, long ToSeq, int Events, long Bytes, string Reason);

/// <summary>
/// Retention of recorded output: per-session cap (a session over it keeps its newest output, live ones too), age
/// and store size / free-disk bounds (output of ended sessions, oldest first). Every pruned range is replaced by
/// one <c>truncated</c> event at the seq of its first event, so replays show where output is missing and how much.
/// </summary>
public sealed class OutputRetention(CovenStore store)
{
    /// <summary>What the bounds would prune now (exact byte counts).</summary>
    public IReadOnlyList<PruneRange> Plan(RetentionSettings settings, long? freeDiskBytes = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var connection = store.Open();
        var ranges = new List<PruneRange>();
        var planned = new HashSet<string>(StringComparer.Ordinal);

        if (settings.MaxAgeDays > 0)
        {
            var cutoff = Timestamps.Of(store.Time.GetUtcNow().AddDays(-settings.MaxAgeDays));
            foreach (var id in EndedSessions(connection, "AND updated_at < $cutoff", cutoff))
            {
                if (WholeRange(connection, id, "age") is { } range)
                {
                    ranges.Add(range);
                    planned.Add(id);
                }
            }
        }

        if (settings.MaxSessionOutputBytes > 0)
        {
            foreach (var id in SessionsOver(connection, settings.MaxSessionOutputBytes))
            {
                if (!planned.Contains(id) && KeepNewest(connection, id, settings.MaxSessionOutputBytes) is { } range)
                {
                    ranges.Add(range);
                }
            }
        }

        var (used, _) = Size(connection);
        var need = 0L;
        var reason = "store-cap";
        if (settings.MaxStoreBytes > 0 && used > settings.MaxStoreBytes)
        {
            need = used - settings.MaxStoreBytes;
        }

        if (settings.MinFreeDiskBytes > 0 && freeDiskBytes is { } free && free < settings.MinFreeDiskBytes && settings.MinFreeDiskBytes - free > need)
        {
            need = settings.MinFreeDiskBytes - free;
            reason = "disk-floor";
        }

        need -= ranges.Sum(r => r.Bytes);
        foreach (var id in EndedSessions(connection, string.Empty, null))
        {
            if (need <= 0)
            {
                break;
            }

            if (planned.Contains(id) || ranges.Any(r => r.SessionId == id))
            {
                continue;
            }

            if (WholeRange(connection, id, reason) is { } range)
            {
                ranges.Add(range);
                need -= range.Bytes;
            }
        }

        return ranges;
    }

    /// <summary>Deletes the ranges' output events and writes their <c>truncated</c> events, one transaction per range.</summary>
    public IReadOnlyList<PruneRange> Apply(IReadOnlyList<PruneRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var applied = new List<PruneRange>();
        using var connection = store.Open();
        foreach (var range in ranges)
        {
            using var tx = connection.BeginTransaction();
            var (events, bytes) = Measure(connection, tx, range.SessionId, range.FromSeq, range.ToSeq);
            if (events == 0)
            {
                continue;
            }

            using (var delete = RangeCommand(connection, tx, "DELETE FROM events WHERE session_id = $s AND kind = 'output' AND seq BETWEEN $from AND $to;", range.SessionId, range.FromSeq, range.ToSeq))
            {
                delete.ExecuteNonQuery();
            }

            // The search index forgets the lines that start in the pruned range with it (docs/search.md).
            using (var lines = RangeCommand(connection, tx, "DELETE FROM output_lines WHERE session = (SELECT n FROM output_sessions WHERE session_id = $s) AND seq BETWEEN $from AND $to;", range.SessionId, range.FromSeq, range.ToSeq))
            {
                lines.ExecuteNonQuery();
            }

            var done = range with { Events = events, Bytes = bytes };
            using (var insert = connection.CreateCommand())
            {
                // The marker takes the seq of the first pruned event (free now), so it sits where the output was.
                insert.Transaction = tx;
                insert.CommandText = """
                    INSERT INTO events (seq, id, session_id, kind, payload_json, created_at)
                    VALUES ($seq, $id, $s, $kind, $payload, $now);
                    """;
                insert.Parameters.AddWithValue("$seq", range.FromSeq);
                insert.Parameters.AddWithValue("$id", Guid.CreateVersion7().ToString("D"));
                insert.Parameters.AddWithValue("$s", range.SessionId);
                insert.Parameters.AddWithValue("$kind", EventKinds.Truncated);
                insert.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(
                    new TruncatedPayload(bytes, range.FromSeq, range.ToSeq, events, range.Reason), RecordJsonContext.Default.TruncatedPayload));
                insert.Parameters.AddWithValue("$now", store.Now());
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            applied.Add(done);
        }

        return applied;
    }

    /// <summary>Bytes in use (pages not on the free list) and the file's size.</summary>
    public (long UsedBytes, long FileBytes) Size()
    {
        using var connection = store.Open();
        return Size(connection);
    }

    /// <summary>Gives free pages back to the file system (VACUUM) and checkpoints the WAL; returns the file size before and after.</summary>
    public (long Before, long After) Vacuum()
    {
        using var connection = store.Open();
        var before = Size(connection).FileBytes;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
        cmd.ExecuteNonQuery();
        return (before, Size(connection).FileBytes);
    }

    private static (long UsedBytes, long FileBytes) Size(SqliteConnection connection)
    {
        long Pragma(string name)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA {name};";
            return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var pageSize = Pragma("page_size");
        var pages = Pragma("page_count");
        return ((pages - Pragma("freelist_count")) * pageSize, pages * pageSize);
    }

    private static List<string> EndedSessions(SqliteConnection connection, string where, string? cutoff)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT id FROM sessions WHERE status NOT IN ('pending','live') {where} ORDER BY updated_at, id;";
        if (cutoff is not null)
        {
            cmd.Parameters.AddWithValue("$cutoff", cutoff);
        }

        return Ids(cmd);
    }

    /// <summary>Sessions whose output payloads are longer than the cap (payload text ≥ output bytes, a cheap upper bound).</summary>
    private static List<string> SessionsOver(SqliteConnection connection, long cap)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT session_id FROM events WHERE kind = 'output'
            GROUP BY session_id HAVING SUM(length(CAST(payload_json AS BLOB))) > $cap ORDER BY session_id;
            """;
        cmd.Parameters.AddWithValue("$cap", cap);
        return Ids(cmd);
    }

    private static List<string> Ids(SqliteCommand cmd)
    {
        var ids = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static PruneRange? WholeRange(SqliteConnection connection, string id, string reason)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT MIN(seq), MAX(seq) FROM events WHERE session_id = $s AND kind = 'output';";
        cmd.Parameters.AddWithValue("$s", id);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(0))
        {
            return null;
        }

        var (from, to) = (reader.GetInt64(0), reader.GetInt64(1));
        reader.Close();
        var (events, bytes) = Measure(connection, null, id, from, to);
        return new PruneRange(id, from, to, events, bytes, reason);
    }

    /// <summary>The range before the newest output events that fit in <paramref name="cap"/> bytes, or null when all fit.</summary>
    private static PruneRange? KeepNewest(SqliteConnection connection, string id, long cap)
    {
        long kept = 0;
        long? boundary = null;
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT seq, payload_json FROM events WHERE session_id = $s AND kind = 'output' ORDER BY seq DESC;";
            cmd.Parameters.AddWithValue("$s", id);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var length = OutputPayload.Bytes(reader.GetString(1))?.LongLength ?? 0;
                if (kept + length > cap)
                {
                    boundary = reader.GetInt64(0);
                    break;
                }

                kept += length;
            }
        }

        if (boundary is not { } to)
        {
            return null;
        }

        using var first = connection.CreateCommand();
        first.CommandText = "SELECT MIN(seq) FROM events WHERE session_id = $s AND kind = 'output';";
        first.Parameters.AddWithValue("$s", id);
        var from = Convert.ToInt64(first.ExecuteScalar(), CultureInfo.InvariantCulture);
        var (events, bytes) = Measure(connection, null, id, from, to);
        return new PruneRange(id, from, to, events, bytes, "session-cap");
    }

    /// <summary>A command over one session's seq range (<c>$s</c>, <c>$from</c>, <c>$to</c>) inside <paramref name="tx"/>.</summary>
    private static SqliteCommand RangeCommand(SqliteConnection connection, SqliteTransaction? tx, string sql, string session, long from, long to)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$s", session);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        return cmd;
    }

    private static (int Events, long Bytes) Measure(SqliteConnection connection, SqliteTransaction? tx, string id, long from, long to)
    {
        using var cmd = RangeCommand(connection, tx, "SELECT payload_json FROM events WHERE session_id = $s AND kind = 'output' AND seq BETWEEN $from AND $to;", id, from, to);
        using var reader = cmd.ExecuteReader();
        var (events, bytes) = (0, 0L);
        while (reader.Read())
        {
            events++;
            bytes += OutputPayload.Bytes(reader.GetString(0))?.LongLength ?? 0;
        }

        return (events, bytes);
    }
}
