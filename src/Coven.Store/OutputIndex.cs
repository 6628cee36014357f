using System.Globalization;
using System.Text;
using Coven.Core.Api;
using Coven.Core.Text;
using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>What to search for (docs/search.md). <see cref="Match"/> is an FTS5 query; times are store timestamps.</summary>
public sealed record SearchQuery
{
    public required string Match { get; init; }
    public string? SessionId { get; init; }
    public string? ProjectRoot { get; init; }
    public string? Harness { get; init; }
    public string? Since { get; init; }
    public string? Until { get; init; }

    /// <summary>Only lines older than this line id (the page cursor).</summary>
    public long? BeforeId { get; init; }

    public int Limit { get; init; } = 50;
    public int Context { get; init; }
}

/// <summary>One matching line with the lines around it in its session.</summary>
public sealed record SearchHit(
    long Id, string SessionId, long Seq, string CreatedAt, string Text, string ProjectRoot, string Harness, string Title,
    IReadOnlyList<string> Before, IReadOnlyList<string> After);

/// <summary>The query is not valid FTS5 syntax (SQLite's message says why).</summary>
public sealed class SearchSyntaxException(string message) : Exception(message);

/// <summary>
/// The full-text index of the output users saw (docs/search.md). covend feeds every <c>output</c> event, in seq
/// order, through a per-session line assembler: a stateful UTF-8 decoder (a character split across PTY reads is
/// joined) and <see cref="LineRenderer"/> (the line rendering of <c>coven logs -f</c>: escape sequences removed,
/// cursor moves turned into spaces or line breaks), so a word that arrived in two chunks, or with colour codes
/// between its letters, is one word of one line. Each finished line is a row of <c>output_lines</c>, indexed by
/// FTS5 (external content, written with each line; a trigger removes deleted lines); the line still being written
/// is a row too, replaced as it grows, so the newest text is searchable at once. Output events are already redacted by the lane, so the index
/// holds only redacted text. Progress is one cursor (event seqs are global and committed in order, since SQLite
/// has one writer at a time), so indexing resumes where it stopped after a restart.
/// </summary>
public sealed class OutputIndex
{
    /// <summary>A longer line is cut into pieces of this many characters.</summary>
    public const int MaxLineChars = 4096;

    /// <summary>One indexing transaction reads at most this many events…</summary>
    public const int DefaultBatchEvents = 1000;

    /// <summary>…or about this many characters of their payloads (~1 MiB of output, a few tens of milliseconds of work).</summary>
    public const int DefaultBatchChars = 1 << 20;

    /// <summary>A filter that leaves at most this many sessions is also matched as their tokens in the index.</summary>
    private const int MaxTagSessions = 64;

    private readonly CovenStore _store;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Assembler> _sessions = new(StringComparer.Ordinal);

    internal OutputIndex(CovenStore store) => _store = store;

    /// <summary>The seq of the newest event the index has seen.</summary>
    public long IndexedSeq()
    {
        using var connection = _store.Open();
        return ReadCursor(connection, null);
    }

    /// <summary>
    /// Indexes the output (and exit) events after the cursor in one transaction, up to <paramref name="maxEvents"/>
    /// events or about <paramref name="maxChars"/> characters of payload (so a lane waits for the lock no longer than
    /// one such batch takes); returns how many events it read (0: the index is up to date).
    /// </summary>
    public int CatchUp(int maxEvents = DefaultBatchEvents, int maxChars = DefaultBatchChars)
    {
        lock (_gate)
        {
            using var connection = _store.Open();
            using var tx = connection.BeginTransaction(deferred: false);
            try
            {
                var cursor = ReadCursor(connection, tx);
                var events = ReadEvents(connection, tx, cursor, maxEvents, maxChars);
                if (events.Count == 0)
                {
                    return 0;
                }

                using var writer = new LineWriter(connection, tx);
                var touched = new Dictionary<string, Assembler>(StringComparer.Ordinal);
                foreach (var (seq, session, kind, payload, at) in events)
                {
                    var assembler = Get(connection, tx, session);
                    if (kind == EventKinds.Exit)
                    {
                        assembler.Finish(writer);
                        _sessions.Remove(session);
                        touched.Remove(session);
                        continue;
                    }

                    if (OutputPayload.Bytes(payload) is { } bytes)
                    {
                        assembler.Feed(bytes, seq, at, writer);
                        touched[session] = assembler;
                    }
                }

                foreach (var assembler in touched.Values)
                {
                    assembler.SaveOpenLine(writer);
                }

                WriteCursor(connection, tx, events[^1].Seq);
                tx.Commit();

                // A session that ended long ago is not kept in memory; its state is in output_sessions.
                if (_sessions.Count > 1024)
                {
                    _sessions.Clear();
                }

                return events.Count;
            }
            catch
            {
                // The transaction rolled back: the in-memory state ran ahead of it. Reload from the store next time.
                _sessions.Clear();
                throw;
            }
        }
    }

    /// <summary>Runs <see cref="CatchUp"/> until the index is up to date or <paramref name="budget"/> has passed; true when up to date.</summary>
    public bool CatchUpWithin(TimeSpan budget)
    {
        var start = _store.Time.GetTimestamp();
        while (CatchUp() > 0)
        {
            if (_store.Time.GetElapsedTime(start) > budget)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Matching lines, newest first; <see cref="SearchSyntaxException"/> when the FTS5 query is not valid.</summary>
    public (IReadOnlyList<SearchHit> Hits, bool HasMore) Query(SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = _store.Open();
        Matching(() => CheckSyntax(connection, query.Match));

        // The user's query is confined to the text (the tags column is ours); a filter that names few sessions also
        // matches their tokens, so FTS5 skips through the doclists instead of handing out every match to be rejected.
        var match = "{text} : (" + query.Match + ")";
        if (query.SessionId is not null || query.ProjectRoot is not null || query.Harness is not null)
        {
            var sessions = SessionNumbers(connection, query);
            if (sessions.Count == 0)
            {
                return ([], false);
            }

            if (sessions.Count <= MaxTagSessions)
            {
                match += " AND tags : (" + string.Join(" OR ", sessions.Select(n => "s" + n.ToString(CultureInfo.InvariantCulture))) + ")";
            }
        }

        using var cmd = connection.CreateCommand();
        var where = Where(cmd, [
            .. SessionFilters(query),
            ("l.created_at >= $since", "$since", query.Since),
            ("l.created_at < $until", "$until", query.Until),

            // Line times never go back as ids grow, so a time range is a range of ids, which FTS5 seeks to.
            ("f.rowid >= $from", "$from", query.Since is { } since ? FirstIdAtOrAfter(connection, since) : null),
            ("f.rowid < $to", "$to", query.Until is { } until ? FirstIdAtOrAfter(connection, until) : null),
            ("f.rowid < $before", "$before", query.BeforeId),
        ]);

        // CROSS JOIN keeps the FTS table the outer loop, so it hands out matches newest first and the LIMIT stops it.
        cmd.CommandText = $"""
            SELECT l.id, l.session, o.session_id, l.seq, l.created_at, l.text, s.project_root, s.harness, s.title
            FROM output_fts f
            CROSS JOIN output_lines l ON l.id = f.rowid
            CROSS JOIN output_sessions o ON o.n = l.session
            CROSS JOIN sessions s ON s.id = o.session_id
            WHERE output_fts MATCH $match{where}
            ORDER BY f.rowid DESC
            LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$match", match);
        cmd.Parameters.AddWithValue("$limit", Math.Max(1, query.Limit) + 1);

        var rows = new List<(long Id, long N, string Session, long Seq, string At, string Text, string Root, string Harness, string Title)>();
        Matching(() =>
        {
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8)));
            }
        });

        var hasMore = rows.Count > query.Limit;
        var hits = new List<SearchHit>();
        using var around = new Around(connection, query.Context);
        foreach (var r in rows.Take(query.Limit))
        {
            hits.Add(new SearchHit(
                r.Id, r.Session, r.Seq, r.At, r.Text, r.Root, r.Harness, r.Title,
                around.Lines(r.N, r.Id, before: true),
                around.Lines(r.N, r.Id, before: false)));
        }

        return (hits, hasMore);
    }

    /// <summary>Runs <paramref name="match"/>; SQLITE_ERROR from MATCH is a <see cref="SearchSyntaxException"/>.</summary>
    private static void Matching(Action match)
    {
        try
        {
            match();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            // "fts5: syntax error near …", "no such column: …" (a "word:" column filter).
            throw new SearchSyntaxException(e.Message.Replace("SQLite Error 1: ", string.Empty, StringComparison.Ordinal).Trim('\'', '.', ' '));
        }
    }

    /// <summary>
    /// FTS5 reports a bad query only when it has rows to match (an empty index answers nothing, an empty page of a
    /// filter too), so the query is first matched against a one-row table of this connection's temp schema.
    /// </summary>
    private static void CheckSyntax(SqliteConnection connection, string match)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_syntax USING fts5(text);
            INSERT INTO temp.fts_syntax (rowid, text) SELECT 1, 'x' WHERE NOT EXISTS (SELECT 1 FROM temp.fts_syntax);
            SELECT count(*) FROM temp.fts_syntax WHERE fts_syntax MATCH $match;
            """;
        cmd.Parameters.AddWithValue("$match", match);
        cmd.ExecuteScalar();
    }

    private static (string Sql, string Name, object? Value)[] SessionFilters(SearchQuery query) =>
    [
        ("s.id = $session", "$session", query.SessionId),
        ("s.project_root = $root", "$root", query.ProjectRoot),
        ("s.harness = $harness", "$harness", query.Harness),
    ];

    /// <summary>" AND …" for each filter that has a value, whose parameter it adds to <paramref name="cmd"/>.</summary>
    private static string Where(SqliteCommand cmd, (string Sql, string Name, object? Value)[] filters)
    {
        var where = new StringBuilder();
        foreach (var (sql, name, value) in filters)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(sql);
                cmd.Parameters.AddWithValue(name, value);
            }
        }

        return where.ToString();
    }

    /// <summary>The numbers of the indexed sessions that pass the query's session, project and harness filters (at most one more than <see cref="MaxTagSessions"/>).</summary>
    private static List<long> SessionNumbers(SqliteConnection connection, SearchQuery query)
    {
        using var cmd = connection.CreateCommand();
        var where = Where(cmd, SessionFilters(query));
        cmd.CommandText = $"SELECT o.n FROM output_sessions o JOIN sessions s ON s.id = o.session_id WHERE 1 = 1{where} LIMIT {MaxTagSessions + 1};";
        using var reader = cmd.ExecuteReader();
        var list = new List<long>();
        while (reader.Read())
        {
            list.Add(reader.GetInt64(0));
        }

        return list;
    }

    /// <summary>
    /// The smallest line id whose time is at or after <paramref name="at"/> (one more than the largest id when none
    /// is): a binary search over ids, since the indexer never gives a later line an earlier time.
    /// </summary>
    private static long FirstIdAtOrAfter(SqliteConnection connection, string at)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, created_at FROM output_lines WHERE id >= $id ORDER BY id LIMIT 1;";
        var id = cmd.Parameters.Add(new SqliteParameter { ParameterName = "$id", Value = 0L });
        using var bounds = connection.CreateCommand();
        // Two subqueries: one query with both MIN and MAX would scan the table instead of reading each end of it.
        bounds.CommandText = "SELECT COALESCE((SELECT MIN(id) FROM output_lines), 1), COALESCE((SELECT MAX(id) FROM output_lines), 0) + 1;";
        long lo, hi;
        using (var reader = bounds.ExecuteReader())
        {
            reader.Read();
            (lo, hi) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            id.Value = mid;
            using var reader = cmd.ExecuteReader();
            if (!reader.Read())
            {
                hi = mid;
            }
            else if (string.CompareOrdinal(reader.GetString(1), at) >= 0)
            {
                hi = mid;
            }
            else
            {
                lo = reader.GetInt64(0) + 1;
            }
        }

        return lo;
    }

    /// <summary>The lines around a hit in its session: two prepared statements for all hits of a page.</summary>
    private sealed class Around : IDisposable
    {
        private readonly int _n;
        private readonly SqliteCommand? _before;
        private readonly SqliteCommand? _after;

        public Around(SqliteConnection connection, int n)
        {
            _n = n;
            if (n <= 0)
            {
                return;
            }

            SqliteCommand Command(string sql)
            {
                var cmd = connection.CreateCommand();
                cmd.CommandText = sql;
                cmd.Parameters.Add(new SqliteParameter { ParameterName = "$s" });
                cmd.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
                cmd.Parameters.AddWithValue("$n", n);
                return cmd;
            }

            _before = Command("SELECT text FROM output_lines WHERE session = $s AND id < $id ORDER BY id DESC LIMIT $n;");
            _after = Command("SELECT text FROM output_lines WHERE session = $s AND id > $id ORDER BY id LIMIT $n;");
        }

        public List<string> Lines(long session, long id, bool before)
        {
            var lines = new List<string>();
            if ((before ? _before : _after) is not { } cmd)
            {
                return lines;
            }

            cmd.Parameters[0].Value = session;
            cmd.Parameters[1].Value = id;
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read() && lines.Count < _n)
                {
                    lines.Add(reader.GetString(0));
                }
            }

            if (before)
            {
                lines.Reverse();
            }

            return lines;
        }

        public void Dispose()
        {
            _before?.Dispose();
            _after?.Dispose();
        }
    }

    private Assembler Get(SqliteConnection connection, SqliteTransaction tx, string session)
    {
        if (_sessions.TryGetValue(session, out var assembler))
        {
            return assembler;
        }

        // After a restart: continue the line that was still open (the escape parser starts fresh).
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            SELECT o.n, o.open_line, l.id, l.seq, l.created_at, l.text
            FROM output_sessions o LEFT JOIN output_lines l ON l.id = o.open_line AND l.session = o.n
            WHERE o.session_id = $s;
            """;
        cmd.Parameters.AddWithValue("$s", session);
        using (var reader = cmd.ExecuteReader())
        {
            if (reader.Read())
            {
                // The open line on record may be gone (pruned): then the next save records that there is none.
                assembler = new Assembler(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
                if (!reader.IsDBNull(2))
                {
                    assembler.Resume(reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5));
                }
            }
        }

        if (assembler is null)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO output_sessions (session_id) VALUES ($s) RETURNING n;";
            insert.Parameters.AddWithValue("$s", session);
            assembler = new Assembler((long)insert.ExecuteScalar()!, null);
        }

        _sessions[session] = assembler;
        return assembler;
    }

    private static long ReadCursor(SqliteConnection connection, SqliteTransaction? tx)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE((SELECT seq FROM output_index_cursor WHERE id = 1), 0);";
        return (long)cmd.ExecuteScalar()!;
    }

    private static void WriteCursor(SqliteConnection connection, SqliteTransaction tx, long seq)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO output_index_cursor (id, seq) VALUES (1, $seq) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq;";
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.ExecuteNonQuery();
    }

    private static List<(long Seq, string Session, string Kind, string Payload, string At)> ReadEvents(
        SqliteConnection connection, SqliteTransaction tx, long cursor, int limit, int maxChars)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            SELECT seq, session_id, kind, payload_json, created_at FROM events
            WHERE seq > $cursor AND kind IN ('output', 'exit') ORDER BY seq LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$cursor", cursor);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var reader = cmd.ExecuteReader();
        var list = new List<(long, string, string, string, string)>();
        long chars = 0;
        while (chars < maxChars && reader.Read())
        {
            var payload = reader.GetString(3);
            chars += payload.Length;
            list.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), payload, reader.GetString(4)));
        }

        return list;
    }

    /// <summary>One session's line assembly: decoder, line renderer and the line being written.</summary>
    private sealed class Assembler(long session, long? recordedOpen)
    {
        private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
        private readonly LineRenderer _renderer = new();
        private readonly StringBuilder _line = new();
        private char[] _chars = new char[4096];
        private long _lineSeq;
        private string _lineAt = string.Empty;

        // The id of the line being written, taken when its first visible character arrives (so ids follow the order
        // lines start in); whether that row exists yet and how long its stored text is; the open line on record.
        private long? _lineId;
        private bool _stored;
        private int _storedLength;
        private long? _recordedOpen = recordedOpen;
        private string? _lastLine;

        public void Resume(long row, long seq, string at, string text)
        {
            (_lineId, _stored, _storedLength, _lineSeq, _lineAt) = (row, true, text.Length, seq, at);
            _line.Append(text);
        }

        public void Feed(byte[] bytes, long seq, string at, LineWriter writer)
        {
            var need = _decoder.GetCharCount(bytes, flush: false);
            if (_chars.Length < need)
            {
                _chars = new char[Math.Max(need, _chars.Length * 2)];
            }

            var count = _decoder.GetChars(bytes, 0, bytes.Length, _chars, 0, flush: false);
            Append(_renderer.Render(new string(_chars, 0, count)), seq, at, writer);
        }

        /// <summary>The session ended: what is held back becomes text, the open line a finished one.</summary>
        public void Finish(LineWriter writer)
        {
            var tail = _decoder.GetChars([], 0, 0, _chars, 0, flush: true);
            Append(new string(_chars, 0, tail) is { Length: > 0 } t ? _renderer.Render(t) : string.Empty, _lineSeq, _lineAt, writer);
            Append(_renderer.Flush(), _lineSeq, _lineAt, writer);
            EndLine(writer);
            Record(writer, null);
        }

        /// <summary>The line still being written is stored (replacing its previous text), so it is searchable now.</summary>
        public void SaveOpenLine(LineWriter writer)
        {
            if (_lineId is { } id)
            {
                if (!_stored || _storedLength != _line.Length)
                {
                    writer.Write(session, id, Stored(), _lineSeq, _lineAt, _line.ToString());
                    (_stored, _storedLength) = (true, _line.Length);
                }

                Record(writer, id);
            }
            else
            {
                Record(writer, null);
            }
        }

        /// <summary>The text of the stored row: the line only grows, so it is the line's first <see cref="_storedLength"/> characters.</summary>
        private string? Stored() => _stored ? _line.ToString(0, _storedLength) : null;

        private void Record(LineWriter writer, long? open)
        {
            if (open != _recordedOpen)
            {
                writer.SetOpen(session, open);
                _recordedOpen = open;
            }
        }

        private void Append(string text, long seq, string at, LineWriter writer)
        {
            var rest = text.AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf('\n');
                var part = end < 0 ? rest : rest[..end];
                while (!part.IsEmpty)
                {
                    if (_line.Length >= MaxLineChars)
                    {
                        EndLine(writer);
                    }

                    if (_line.Length == 0)
                    {
                        (_lineSeq, _lineAt) = (seq, at);
                    }

                    var piece = part[..Math.Min(part.Length, MaxLineChars - _line.Length)];
                    if (_lineId is null && !piece.IsWhiteSpace())
                    {
                        (_lineId, _lineAt) = writer.Reserve(_lineAt);
                    }

                    _line.Append(piece);
                    part = part[piece.Length..];
                }

                if (end < 0)
                {
                    break;
                }

                EndLine(writer);
                rest = rest[(end + 1)..];
            }
        }

        private void EndLine(LineWriter writer)
        {
            if (_lineId is { } id)
            {
                var text = _line.ToString();
                if (!_stored && text == _lastLine)
                {
                    // A redraw of the line just indexed (a TUI repainting its status line) adds nothing to find.
                }
                else
                {
                    writer.Write(session, id, Stored(), _lineSeq, _lineAt, text);
                    _lastLine = text;
                }
            }

            // A line of blanks only was never given an id: nothing to find.
            _line.Clear();
            (_lineId, _stored, _storedLength) = (null, false, 0);
        }
    }

    /// <summary>The prepared statements of one indexing transaction, and the next line id and time.</summary>
    private sealed class LineWriter : IDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _index;
        private readonly SqliteCommand _unindex;
        private readonly SqliteCommand _open;
        private long _nextId;
        private string _lastAt;

        public LineWriter(SqliteConnection connection, SqliteTransaction tx)
        {
            SqliteCommand Command(string sql, params string[] names)
            {
                var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                foreach (var name in names)
                {
                    cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                return cmd;
            }

            using (var last = Command("SELECT id, created_at FROM output_lines ORDER BY id DESC LIMIT 1;"))
            using (var reader = last.ExecuteReader())
            {
                (_nextId, _lastAt) = reader.Read() ? (reader.GetInt64(0) + 1, reader.GetString(1)) : (1, string.Empty);
            }

            _insert = Command("INSERT INTO output_lines (id, session, seq, created_at, text) VALUES ($id, $s, $seq, $at, $text);", "$id", "$s", "$seq", "$at", "$text");
            _update = Command("UPDATE output_lines SET text = $text WHERE id = $id;", "$id", "$text");

            // External content: what is removed from the index must be exactly what was added (tags is output_lines' generated column).
            _index = Command("INSERT INTO output_fts (rowid, text, tags) VALUES ($id, $text, $tags);", "$id", "$text", "$tags");
            _unindex = Command("INSERT INTO output_fts (output_fts, rowid, text, tags) VALUES ('delete', $id, $text, $tags);", "$id", "$text", "$tags");
            _open = Command("UPDATE output_sessions SET open_line = $id WHERE n = $s;", "$s", "$id");
        }

        /// <summary>
        /// The id of a line that starts now, and its time: <paramref name="at"/>, or the previous line's time when that
        /// is later (events of different lanes can commit a moment out of time order), so a later id never has an
        /// earlier time and a time filter can seek by id.
        /// </summary>
        public (long Id, string At) Reserve(string at)
        {
            if (string.CompareOrdinal(at, _lastAt) < 0)
            {
                at = _lastAt;
            }

            _lastAt = at;
            return (_nextId++, at);
        }

        /// <summary>
        /// Replaces the text of line <paramref name="id"/> when it is stored (<paramref name="stored"/>: its text so far)
        /// and still there, else inserts it; the index follows.
        /// </summary>
        public void Write(long session, long id, string? stored, long seq, string at, string text)
        {
            var tags = "s" + session.ToString(CultureInfo.InvariantCulture);
            if (stored is not null)
            {
                _update.Parameters[0].Value = id;
                _update.Parameters[1].Value = text;
                if (_update.ExecuteNonQuery() == 1)
                {
                    Index(_unindex, id, stored, tags);
                    Index(_index, id, text, tags);
                    return;
                }
            }

            _insert.Parameters[0].Value = id;
            _insert.Parameters[1].Value = session;
            _insert.Parameters[2].Value = seq;
            _insert.Parameters[3].Value = at;
            _insert.Parameters[4].Value = text;
            _insert.ExecuteNonQuery();
            Index(_index, id, text, tags);
        }

        private static void Index(SqliteCommand cmd, long id, string text, string tags)
        {
            cmd.Parameters[0].Value = id;
            cmd.Parameters[1].Value = text;
            cmd.Parameters[2].Value = tags;
            cmd.ExecuteNonQuery();
        }

        public void SetOpen(long session, long? row)
        {
            _open.Parameters[0].Value = session;
            _open.Parameters[1].Value = row is { } id ? id : DBNull.Value;
            _open.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
            _index.Dispose();
            _unindex.Dispose();
            _open.Dispose();
        }
    }
}
