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
/// FTS5 (external content, kept in step by triggers); the line still being written is a row too, replaced as it
/// grows, so the newest text is searchable at once. Output events are already redacted by the lane, so the index
/// holds only redacted text. Progress is one cursor (event seqs are global and committed in order, since SQLite
/// has one writer at a time), so indexing resumes where it stopped after a restart.
/// </summary>
public sealed class OutputIndex
{
    /// <summary>A longer line is cut into pieces of this many characters.</summary>
    public const int MaxLineChars = 4096;

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
    /// Indexes up to <paramref name="maxEvents"/> output (and exit) events after the cursor, in one transaction;
    /// returns how many events it read (0: the index is up to date).
    /// </summary>
    public int CatchUp(int maxEvents = 100)
    {
        lock (_gate)
        {
            using var connection = _store.Open();
            using var tx = connection.BeginTransaction(deferred: false);
            try
            {
                var cursor = ReadCursor(connection, tx);
                var events = ReadEvents(connection, tx, cursor, maxEvents);
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
                        writer.Forget(session);
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

                // A session that ended long ago is not kept in memory; its state is in output_index.
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
        using var cmd = connection.CreateCommand();
        var where = new StringBuilder();
        void Filter(string sql, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(sql);
                cmd.Parameters.AddWithValue(name, value);
            }
        }

        Filter("l.session_id = $session", "$session", query.SessionId);
        Filter("s.project_root = $root", "$root", query.ProjectRoot);
        Filter("s.harness = $harness", "$harness", query.Harness);
        Filter("l.created_at >= $since", "$since", query.Since);
        Filter("l.created_at < $until", "$until", query.Until);
        Filter("f.rowid < $before", "$before", query.BeforeId);

        // CROSS JOIN keeps the FTS table the outer loop, so it hands out matches newest first and the LIMIT stops it.
        cmd.CommandText = $"""
            SELECT l.id, l.session_id, l.seq, l.created_at, l.text, s.project_root, s.harness, s.title
            FROM output_fts f
            CROSS JOIN output_lines l ON l.id = f.rowid
            CROSS JOIN sessions s ON s.id = l.session_id
            WHERE output_fts MATCH $match{where}
            ORDER BY f.rowid DESC
            LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$match", query.Match);
        cmd.Parameters.AddWithValue("$limit", Math.Max(1, query.Limit) + 1);

        var rows = new List<(long Id, string Session, long Seq, string At, string Text, string Root, string Harness, string Title)>();
        try
        {
            CheckSyntax(connection, query.Match);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7)));
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            // SQLITE_ERROR from MATCH: "fts5: syntax error near …", "no such column: …" (a "word:" column filter).
            throw new SearchSyntaxException(e.Message.Replace("SQLite Error 1: ", string.Empty, StringComparison.Ordinal).Trim('\'', '.', ' '));
        }

        var hasMore = rows.Count > query.Limit;
        var hits = new List<SearchHit>();
        foreach (var r in rows.Take(query.Limit))
        {
            hits.Add(new SearchHit(
                r.Id, r.Session, r.Seq, r.At, r.Text, r.Root, r.Harness, r.Title,
                Around(connection, r.Session, r.Id, query.Context, before: true),
                Around(connection, r.Session, r.Id, query.Context, before: false)));
        }

        return (hits, hasMore);
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

    private static List<string> Around(SqliteConnection connection, string session, long id, int n, bool before)
    {
        var lines = new List<string>();
        if (n <= 0)
        {
            return lines;
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = before
            ? "SELECT text FROM output_lines WHERE session_id = $s AND id < $id ORDER BY id DESC LIMIT $n;"
            : "SELECT text FROM output_lines WHERE session_id = $s AND id > $id ORDER BY id LIMIT $n;";
        cmd.Parameters.AddWithValue("$s", session);
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$n", n);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        if (before)
        {
            lines.Reverse();
        }

        return lines;
    }

    private Assembler Get(SqliteConnection connection, SqliteTransaction tx, string session)
    {
        if (_sessions.TryGetValue(session, out var assembler))
        {
            return assembler;
        }

        assembler = new Assembler(session);

        // After a restart: continue the line that was still open (the escape parser starts fresh).
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            SELECT l.id, l.seq, l.created_at, l.text FROM output_index i JOIN output_lines l ON l.id = i.open_line
            WHERE i.session_id = $s;
            """;
        cmd.Parameters.AddWithValue("$s", session);
        using (var reader = cmd.ExecuteReader())
        {
            if (reader.Read())
            {
                assembler.Resume(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3));
            }
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

    private static List<(long Seq, string Session, string Kind, string Payload, string At)> ReadEvents(SqliteConnection connection, SqliteTransaction tx, long cursor, int limit)
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
        while (reader.Read())
        {
            list.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return list;
    }

    /// <summary>One session's line assembly: decoder, line renderer and the line being written.</summary>
    private sealed class Assembler(string session)
    {
        private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
        private readonly LineRenderer _renderer = new();
        private readonly StringBuilder _line = new();
        private char[] _chars = new char[4096];
        private long _lineSeq;
        private string _lineAt = string.Empty;
        private long? _openRow;
        private string? _lastLine;

        public void Resume(long row, long seq, string at, string text)
        {
            (_openRow, _lineSeq, _lineAt) = (row, seq, at);
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
        }

        /// <summary>The line still being written is stored (replacing its previous text), so it is searchable now.</summary>
        public void SaveOpenLine(LineWriter writer)
        {
            if (_line.Length > 0 && !IsBlank(_line))
            {
                _openRow = writer.Write(session, _openRow, _lineSeq, _lineAt, _line.ToString());
            }

            writer.SetOpen(session, _openRow);
        }

        private void Append(string text, long seq, string at, LineWriter writer)
        {
            foreach (var c in text)
            {
                if (c == '\n')
                {
                    EndLine(writer);
                    continue;
                }

                if (_line.Length == 0)
                {
                    (_lineSeq, _lineAt) = (seq, at);
                }

                _line.Append(c);
                if (_line.Length >= MaxLineChars)
                {
                    EndLine(writer);
                }
            }
        }

        private void EndLine(LineWriter writer)
        {
            var text = _line.ToString();
            _line.Clear();
            if (IsBlank(text))
            {
                writer.Delete(_openRow);
            }
            else if (_openRow is null && text == _lastLine)
            {
                // A redraw of the line just indexed (a TUI repainting its status line) adds nothing to find.
            }
            else
            {
                writer.Write(session, _openRow, _lineSeq, _lineAt, text);
                _lastLine = text;
            }

            _openRow = null;
        }

        private static bool IsBlank(StringBuilder sb)
        {
            foreach (var chunk in sb.GetChunks())
            {
                if (!chunk.Span.IsWhiteSpace())
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsBlank(string text) => string.IsNullOrWhiteSpace(text);
    }

    /// <summary>The prepared statements of one indexing transaction.</summary>
    private sealed class LineWriter : IDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _open;
        private readonly SqliteCommand _forget;

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

            _insert = Command("INSERT INTO output_lines (session_id, seq, created_at, text) VALUES ($s, $seq, $at, $text) RETURNING id;", "$s", "$seq", "$at", "$text");
            _update = Command("UPDATE output_lines SET text = $text WHERE id = $id;", "$id", "$text");
            _delete = Command("DELETE FROM output_lines WHERE id = $id;", "$id");
            _open = Command(
                "INSERT INTO output_index (session_id, open_line) VALUES ($s, $id) ON CONFLICT (session_id) DO UPDATE SET open_line = excluded.open_line;",
                "$s", "$id");
            _forget = Command("DELETE FROM output_index WHERE session_id = $s;", "$s");
        }

        /// <summary>Replaces the text of <paramref name="row"/> (when it still exists) or inserts a line; returns its id.</summary>
        public long Write(string session, long? row, long seq, string at, string text)
        {
            if (row is { } id)
            {
                _update.Parameters[0].Value = id;
                _update.Parameters[1].Value = text;
                if (_update.ExecuteNonQuery() == 1)
                {
                    return id;
                }
            }

            _insert.Parameters[0].Value = session;
            _insert.Parameters[1].Value = seq;
            _insert.Parameters[2].Value = at;
            _insert.Parameters[3].Value = text;
            return (long)_insert.ExecuteScalar()!;
        }

        public void Delete(long? row)
        {
            if (row is { } id)
            {
                _delete.Parameters[0].Value = id;
                _delete.ExecuteNonQuery();
            }
        }

        public void SetOpen(string session, long? row)
        {
            _open.Parameters[0].Value = session;
            _open.Parameters[1].Value = row is { } id ? id : DBNull.Value;
            _open.ExecuteNonQuery();
        }

        public void Forget(string session)
        {
            _forget.Parameters[0].Value = session;
            _forget.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
            _delete.Dispose();
            _open.Dispose();
            _forget.Dispose();
        }
    }
}
