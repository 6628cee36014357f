using Coven.Core;
using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>
/// Append-only events. Plain ADO.NET (no Dapper) because coven-lane, a NativeAOT program, appends through here.
/// </summary>
public sealed class EventRepository
{
    private readonly CovenStore _store;

    internal EventRepository(CovenStore store) => _store = store;

    public long Append(SessionId session, string kind, string payloadJson) => AppendBatch(session, [new NewEvent(kind, payloadJson)]);

    /// <summary>Appends all events in one transaction with one prepared command; returns the last seq (0 if none).</summary>
    public long AppendBatch(SessionId session, IReadOnlyList<NewEvent> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        using var connection = _store.Open();
        using var tx = connection.BeginTransaction();
        var last = Insert(connection, tx, session, events, _store.Now());
        tx.Commit();
        return last;
    }

    internal static long Insert(SqliteConnection connection, SqliteTransaction tx, SessionId session, IReadOnlyList<NewEvent> events, string now)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO events (id, session_id, kind, payload_json, created_at)
            VALUES ($id, $session, $kind, $payload, $now);
            """;
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        cmd.Parameters.AddWithValue("$session", session.Value);
        var kind = cmd.Parameters.Add("$kind", SqliteType.Text);
        var payload = cmd.Parameters.Add("$payload", SqliteType.Text);
        cmd.Parameters.AddWithValue("$now", now);
        cmd.Prepare();

        foreach (var e in events)
        {
            id.Value = Guid.CreateVersion7().ToString("D");
            kind.Value = e.Kind;
            payload.Value = e.PayloadJson;
            cmd.ExecuteNonQuery();
        }

        // seq is the rowid; inside our transaction nobody else can insert, so the last rowid is our last event.
        using var lastCmd = connection.CreateCommand();
        lastCmd.Transaction = tx;
        lastCmd.CommandText = "SELECT last_insert_rowid();";
        return (long)lastCmd.ExecuteScalar()!;
    }

    /// <summary>Events after <paramref name="afterSeq"/> in seq order, of one session or of all.</summary>
    public IReadOnlyList<EventRecord> Page(SessionId? session, long afterSeq, int limit, string? kind = null)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT seq, id, session_id, kind, payload_json, created_at FROM events
            WHERE seq > $after
              {(session is null ? string.Empty : "AND session_id = $session")}
              {(kind is null ? string.Empty : "AND kind = $kind")}
            ORDER BY seq
            LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$after", afterSeq);
        cmd.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        if (session is { } s)
        {
            cmd.Parameters.AddWithValue("$session", s.Value);
        }

        if (kind is not null)
        {
            cmd.Parameters.AddWithValue("$kind", kind);
        }

        using var reader = cmd.ExecuteReader();
        var list = new List<EventRecord>();
        while (reader.Read())
        {
            list.Add(ReadEvent(reader));
        }

        return list;
    }

    /// <summary>The highest seq of a session's events, or 0.</summary>
    public long LastSeq(SessionId session)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = $session;";
        cmd.Parameters.AddWithValue("$session", session.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The most recent event of a kind for a session (e.g. the lane's exit event), or null.</summary>
    public EventRecord? Latest(SessionId session, string kind)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT seq, id, session_id, kind, payload_json, created_at FROM events
            WHERE session_id = $session AND kind = $kind ORDER BY seq DESC LIMIT 1;
            """;
        cmd.Parameters.AddWithValue("$session", session.Value);
        cmd.Parameters.AddWithValue("$kind", kind);
        using var reader = cmd.ExecuteReader();
        return reader.Read()
            ? ReadEvent(reader)
            : null;
    }

    public long Count(SessionId session)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM events WHERE session_id = $session;";
        cmd.Parameters.AddWithValue("$session", session.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    private static EventRecord ReadEvent(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5));
}
