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

    /// <summary>
    /// Appends all events in one transaction with one prepared command; returns the last seq (0 if none). Input
    /// events are redacted first (<see cref="CovenStore.Redaction"/>).
    /// </summary>
    public long AppendBatch(SessionId session, IReadOnlyList<NewEvent> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        if (events.Any(e => e.Kind == EventKinds.Input))
        {
            events = [.. events.Select(e => InputRedaction.Apply(_store.Redaction, e))];
        }

        using var connection = _store.Open();
        using var tx = connection.BeginTransaction();
        var last = Insert(connection, tx, session, events, _store.Now());
        tx.Commit();
        return last;
    }

    /// <summary>
    /// The payload of an <c>input</c> event as the store would write it (redacted with <see cref="CovenStore.Redaction"/>):
    /// for copies kept outside the store, such as covend's spill of deferred input, so no secret is written in clear.
    /// </summary>
    public string RedactInput(string payloadJson) => InputRedaction.Apply(_store.Redaction, new NewEvent(EventKinds.Input, payloadJson)).PayloadJson;

    /// <summary>
    /// Appends one event with the given id and time unless the session already has an event with that id, in one
    /// statement (atomic under SQLite's write lock): replaying the same event again, e.g. after a crash between the
    /// write and the removal of its copy, does not duplicate it. True when it was inserted. Input is redacted first.
    /// </summary>
    public bool AppendOnce(SessionId session, string eventId, string kind, string payloadJson, DateTimeOffset createdAt)
    {
        var payload = InputRedaction.Apply(_store.Redaction, new NewEvent(kind, payloadJson)).PayloadJson;
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO events (id, session_id, kind, payload_json, created_at)
            SELECT $id, $session, $kind, $payload, $createdAt
            WHERE NOT EXISTS (SELECT 1 FROM events WHERE session_id = $session AND id = $id);
            """;
        cmd.Parameters.AddWithValue("$id", eventId);
        cmd.Parameters.AddWithValue("$session", session.Value);
        cmd.Parameters.AddWithValue("$kind", kind);
        cmd.Parameters.AddWithValue("$payload", payload);
        cmd.Parameters.AddWithValue("$createdAt", Timestamps.Of(createdAt));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// A writer for one session that keeps its connection and prepared statement between batches: the lane's
    /// recorder appends hundreds of batches per second while output streams, and opening a pooled connection,
    /// setting its pragmas and preparing the insert each time was a visible share of its work.
    /// </summary>
    public EventAppender OpenAppender(SessionId session) => new(_store, session);

    internal static long Insert(SqliteConnection connection, SqliteTransaction tx, SessionId session, IReadOnlyList<NewEvent> events, string now)
    {
        using var insert = new PreparedInsert(connection, session);
        return insert.Run(tx, events, now);
    }

    /// <summary>The insert statement, prepared once; each <see cref="Run"/> binds and executes it per event.</summary>
    internal sealed class PreparedInsert : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _cmd;
        private readonly SqliteParameter _id;
        private readonly SqliteParameter _kind;
        private readonly SqliteParameter _payload;
        private readonly SqliteParameter _now;

        public PreparedInsert(SqliteConnection connection, SessionId session)
        {
            _connection = connection;
            _cmd = connection.CreateCommand();
            _cmd.CommandText = """
                INSERT INTO events (id, session_id, kind, payload_json, created_at)
                VALUES ($id, $session, $kind, CAST($payload AS TEXT), $now);
                """;
            _id = _cmd.Parameters.Add("$id", SqliteType.Text);
            _cmd.Parameters.AddWithValue("$session", session.Value);
            _kind = _cmd.Parameters.Add("$kind", SqliteType.Text);

            // Bound as given: text, or UTF-8 bytes (a blob) that the CAST stores as text without transcoding.
            _payload = _cmd.Parameters.Add(new SqliteParameter { ParameterName = "$payload" });
            _now = _cmd.Parameters.Add("$now", SqliteType.Text);
        }

        /// <summary>Inserts the events inside <paramref name="tx"/>; returns the last seq.</summary>
        public long Run(SqliteTransaction tx, IReadOnlyList<NewEvent> events, string now)
        {
            _cmd.Transaction = tx;
            _now.Value = now;
            foreach (var e in events)
            {
                _id.Value = Guid.CreateVersion7().ToString("D");
                _kind.Value = e.Kind;
                _payload.Value = e.Payload;
                _cmd.ExecuteNonQuery();
            }

            // seq is the rowid; inside our transaction nobody else can insert, so the last rowid is our last event.
            return SQLitePCL.raw.sqlite3_last_insert_rowid(_connection.Handle);
        }

        public void Dispose() => _cmd.Dispose();
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

    /// <summary>The highest seq of all events (seq is one sequence across sessions), or 0.</summary>
    public long LastSeq()
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM events;";
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
