using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>Versioned schema (PRAGMA user_version). Append new steps; never edit a released one.</summary>
internal static class Migrations
{
    private static readonly string[] s_steps =
    [
        // 1: sessions, events, ritual schedules
        """
        CREATE TABLE sessions (
            id                 TEXT PRIMARY KEY NOT NULL,
            project_root       TEXT NOT NULL,
            cwd                TEXT NOT NULL,
            harness            TEXT NOT NULL,
            title              TEXT NOT NULL,
            prompt             TEXT,
            model              TEXT,
            familiar           TEXT,
            resumed_from       TEXT,
            status             TEXT NOT NULL CHECK (status IN ('pending','live','finished','failed','orphaned','archived')),
            archived_from      TEXT CHECK (archived_from IS NULL OR archived_from IN ('finished','failed','orphaned')),
            exit_code          INTEGER,
            exit_signal        INTEGER,
            end_reason         TEXT,
            message            TEXT,
            created_at         TEXT NOT NULL,
            updated_at         TEXT NOT NULL,
            lane_pid           INTEGER,
            lane_start_time    INTEGER,
            harness_pid        INTEGER,
            harness_start_time INTEGER,
            cols               INTEGER NOT NULL DEFAULT 120,
            rows               INTEGER NOT NULL DEFAULT 40,
            launch_json        TEXT
        );
        CREATE INDEX ix_sessions_status ON sessions(status, updated_at);
        CREATE INDEX ix_sessions_root ON sessions(project_root, id);

        CREATE TABLE events (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            id           TEXT NOT NULL,
            session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            kind         TEXT NOT NULL,
            payload_json TEXT NOT NULL,
            created_at   TEXT NOT NULL
        );
        CREATE INDEX ix_events_session_seq ON events(session_id, seq);

        CREATE TABLE ritual_schedules (
            id            TEXT PRIMARY KEY NOT NULL,
            ritual        TEXT NOT NULL CHECK (ritual IN ('archive','summon','sacrifice','sweep')),
            every_text    TEXT,
            cron          TEXT,
            selector_json TEXT NOT NULL,
            enabled       INTEGER NOT NULL DEFAULT 1,
            created_at    TEXT NOT NULL,
            last_run_at   TEXT,
            next_run_at   TEXT
        );
        """,

        // 2: familiars and the active familiar of each project root
        """
        CREATE TABLE familiars (
            name       TEXT PRIMARY KEY NOT NULL,
            harness    TEXT NOT NULL,
            model      TEXT,
            args_json  TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );

        CREATE TABLE project_settings (
            project_root    TEXT PRIMARY KEY NOT NULL,
            active_familiar TEXT,
            updated_at      TEXT NOT NULL
        );
        """,

        // 3: the harness's own conversation id of a session (resume continues exactly that conversation)
        """
        ALTER TABLE sessions ADD COLUMN conversation_id TEXT;
        """,
        // 4: a session's git worktree (no foreign key: a row outliving its session is an orphaned worktree to prune)
        """
        CREATE TABLE session_worktrees (
            session_id  TEXT PRIMARY KEY NOT NULL,
            path        TEXT NOT NULL,
            branch      TEXT NOT NULL,
            base_commit TEXT NOT NULL,
            repository  TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );
        CREATE INDEX ix_session_worktrees_path ON session_worktrees(path);
        """,
        // 5: what the agent is doing (working, waiting, idle; null = unknown), separate from the lifecycle status
        """
        ALTER TABLE sessions ADD COLUMN activity TEXT;
        ALTER TABLE sessions ADD COLUMN activity_since TEXT;
        ALTER TABLE sessions ADD COLUMN activity_reason TEXT;
        """,
        // 6: full-text search over the rendered lines of output (docs/search.md); covend alone reads and writes these
        """
        CREATE TABLE output_lines (
            id         INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            seq        INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            text       TEXT NOT NULL
        );
        CREATE INDEX ix_output_lines_session ON output_lines(session_id, id);
        CREATE INDEX ix_output_lines_seq ON output_lines(session_id, seq);
        CREATE VIRTUAL TABLE output_fts USING fts5(text, content='output_lines', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER output_lines_ai AFTER INSERT ON output_lines BEGIN
            INSERT INTO output_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER output_lines_ad AFTER DELETE ON output_lines BEGIN
            INSERT INTO output_fts(output_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER output_lines_au AFTER UPDATE OF text ON output_lines BEGIN
            INSERT INTO output_fts(output_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO output_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TABLE output_index (
            session_id TEXT PRIMARY KEY NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            open_line  INTEGER
        );
        CREATE TABLE output_index_cursor (
            id  INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL
        );
        """,
        // 7: a familiar's default worktree (issue 17); the prune rituals (ritual's CHECK widened: the table is rebuilt)
        """
        ALTER TABLE familiars ADD COLUMN worktree INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE ritual_schedules_new (
            id            TEXT PRIMARY KEY NOT NULL,
            ritual        TEXT NOT NULL CHECK (ritual IN ('archive','summon','sacrifice','sweep','prune-worktrees','prune-store')),
            every_text    TEXT,
            cron          TEXT,
            selector_json TEXT NOT NULL,
            enabled       INTEGER NOT NULL DEFAULT 1,
            created_at    TEXT NOT NULL,
            last_run_at   TEXT,
            next_run_at   TEXT
        );
        INSERT INTO ritual_schedules_new SELECT id, ritual, every_text, cron, selector_json, enabled, created_at, last_run_at, next_run_at FROM ritual_schedules;
        DROP TABLE ritual_schedules;
        ALTER TABLE ritual_schedules_new RENAME TO ritual_schedules;
        """,
        // 8: the search index rebuilt smaller and faster to fill (docs/search.md): a line names its session by a number
        // (output_sessions, which also holds the session's unfinished line and replaces output_index), FTS5 keeps no
        // per-row sizes (columnsize=0; nothing ranks by them) and indexes that number as a token (column tags, so a
        // filter by session skips through the matches); line ids are handed out in the order lines start, with times
        // that never go back, so a time filter is a range of ids. The indexer writes output_fts itself as it writes a
        // line: an insert trigger made FTS5 flush its pending terms at every row (the trigger's statement savepoint),
        // which cost 4/5 of the indexing time; deletes (retention, a sacrificed session) keep their trigger. The old
        // index is dropped and covend rebuilds the new one from the events in the background (the cursor starts at 0).
        """
        DROP TABLE output_fts;
        DROP TABLE output_index;
        DROP TABLE output_lines;
        DELETE FROM output_index_cursor;
        CREATE TABLE output_sessions (
            n          INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id) ON DELETE CASCADE,
            open_line  INTEGER
        );
        CREATE TABLE output_lines (
            id         INTEGER PRIMARY KEY,
            session    INTEGER NOT NULL REFERENCES output_sessions(n) ON DELETE CASCADE,
            seq        INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            text       TEXT NOT NULL,
            tags       TEXT GENERATED ALWAYS AS ('s' || session) VIRTUAL
        );
        CREATE INDEX ix_output_lines_session ON output_lines(session, id);
        CREATE INDEX ix_output_lines_seq ON output_lines(session, seq);
        CREATE VIRTUAL TABLE output_fts USING fts5(
            text, tags, content='output_lines', content_rowid='id', columnsize=0, tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER output_lines_ad AFTER DELETE ON output_lines BEGIN
            INSERT INTO output_fts(output_fts, rowid, text, tags) VALUES ('delete', old.id, old.text, old.tags);
        END;
        """,
    ];

    /// <summary>
    /// Versions whose step adds only what covend alone reads and writes (lanes write sessions' pids and events): a
    /// running lane that writes the version before such a step keeps working after it, so it does not block it.
    /// </summary>
    private static readonly int[] s_daemonOnlySteps = [6, 7, 8];

    /// <summary>The schema a running lane must be able to write for the store to migrate to <see cref="LatestVersion"/>.</summary>
    public static int LaneNeeds
    {
        get
        {
            var version = s_steps.Length;
            while (s_daemonOnlySteps.Contains(version))
            {
                version--;
            }

            return version;
        }
    }

    public static int LatestVersion => s_steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the file: set once here, kept by every later connection.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }

        var version = ReadVersion(connection);
        if (version > s_steps.Length)
        {
            throw new StoreException($"the database schema (version {version}) is newer than this Coven (version {s_steps.Length}); upgrade Coven.");
        }

        for (var step = version; step < s_steps.Length; step++)
        {
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = s_steps[step] + $"\nPRAGMA user_version = {step + 1};";
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }

    public static int ReadVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
