using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>
/// Sessions and their lifecycle. Every status change goes through <see cref="TryTransition"/>: a fresh lifecycle
/// machine over the row just read, then a compare-and-set on the status with the lifecycle event in the same
/// transaction. Methods used by coven-lane (NativeAOT) are plain ADO.NET; the rest use Dapper.
/// </summary>
public sealed class SessionRepository
{
    private readonly CovenStore _store;
    private long _membership;

    static SessionRepository() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    internal SessionRepository(CovenStore store) => _store = store;

    /// <summary>
    /// Changes each time this process adds a session row or deletes one (<see cref="Create"/>, sacrifice), so a
    /// cache of the set of ids (the daemon's short ids) can skip asking the store while it is unchanged. The daemon
    /// is the only process that adds or deletes sessions while it runs (coven-lane updates its own row only).
    /// </summary>
    public long Membership => Interlocked.Read(ref _membership);

    /// <summary>Records a new session as <c>pending</c> (trigger Launch) with its launch spec.</summary>
    public SessionRecord Create(SessionRecord session, LaunchSpec launch)
    {
        var now = _store.Now();
        using var connection = _store.Open();
        using var tx = connection.BeginTransaction();
        connection.Execute(
            """
            INSERT INTO sessions (id, project_root, cwd, harness, title, prompt, model, familiar, resumed_from, status,
                                  created_at, updated_at, cols, rows, launch_json, conversation_id)
            VALUES (@Id, @ProjectRoot, @Cwd, @Harness, @Title, @Prompt, @Model, @Familiar, @ResumedFrom, 'pending',
                    @Now, @Now, @Cols, @Rows, @Launch, @ConversationId);
            """,
            new
            {
                Id = session.Id.Value,
                session.ProjectRoot,
                session.Cwd,
                session.Harness,
                session.Title,
                session.Prompt,
                session.Model,
                session.Familiar,
                ResumedFrom = session.ResumedFrom?.Value,
                Now = now,
                Cols = session.Columns,
                Rows = session.Rows,
                Launch = JsonSerializer.Serialize(launch, RecordJsonContext.Default.LaunchSpec),
                session.ConversationId,
            },
            tx);
        AppendLifecycle(connection, tx, session.Id, null, SessionStatus.Pending, SessionTrigger.Launch, null, now);
        tx.Commit();
        Interlocked.Increment(ref _membership);
        return Get(session.Id) ?? throw new StoreException($"session {session.Id} vanished after insert.");
    }

    public SessionRecord? Get(SessionId id)
    {
        using var connection = _store.Open();
        return Get(connection, null, id);
    }

    public SessionPage List(SessionQuery query)
    {
        var sql = new StringBuilder($"SELECT {SessionRow.Columns} FROM sessions WHERE 1=1");
        var p = new DynamicParameters();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            sql.Append(" AND status IN @Statuses");
            p.Add("Statuses", statuses.Select(WireNames.Of).ToArray());
        }
        else if (!query.IncludeArchived)
        {
            sql.Append(" AND status <> 'archived'");
        }

        if (query.Harness is not null)
        {
            sql.Append(" AND harness = @Harness");
            p.Add("Harness", query.Harness);
        }

        if (query.ProjectRoot is not null)
        {
            sql.Append(" AND project_root = @ProjectRoot");
            p.Add("ProjectRoot", query.ProjectRoot);
        }

        if (query.IdPrefix is not null)
        {
            // ids are lowercase hex and dashes: a prefix range avoids LIKE's wildcard characters entirely.
            sql.Append(" AND id >= @PrefixLow AND id < @PrefixHigh");
            p.Add("PrefixLow", query.IdPrefix);
            p.Add("PrefixHigh", query.IdPrefix + "\uffff");
        }

        if (query.Ref is { Length: > 0 } reference)
        {
            var lower = reference.ToLowerInvariant();
            if (lower.Length <= 36 && lower.All(c => char.IsAsciiHexDigitLower(c) || c == '-'))
            {
                // A scan (the end of an id has no index); 10,000 rows take about a millisecond.
                sql.Append(" AND ((id >= @RefLow AND id < @RefHigh) OR substr(id, -@RefLength) = @RefId OR title = @RefTitle)");
                p.Add("RefLow", lower);
                p.Add("RefHigh", lower + "\uffff");
                p.Add("RefLength", lower.Length);
                p.Add("RefId", lower);
            }
            else
            {
                sql.Append(" AND title = @RefTitle");
            }

            p.Add("RefTitle", reference);
        }

        if (query.UpdatedBefore is { } before)
        {
            sql.Append(" AND updated_at < @Before");
            p.Add("Before", Timestamps.Of(before));
        }

        if (DecodeCursor(query.Cursor) is { } after)
        {
            sql.Append(" AND id < @After");
            p.Add("After", after);
        }

        var limit = Math.Clamp(query.Limit, 1, 1000);
        sql.Append(" ORDER BY id DESC LIMIT @Limit");
        p.Add("Limit", limit + 1);

        using var connection = _store.Open();
        var rows = connection.Query<SessionRow>(sql.ToString(), p).Select(r => r.ToRecord()).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = EncodeCursor(rows[^1].Id.Value);
        }

        return new SessionPage(rows, next);
    }

    /// <summary>Every session id greater than <paramref name="after"/> (archived included), in id order: what the daemon's short ids are computed against.</summary>
    public List<string> IdsAfter(string after)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id FROM sessions WHERE id > $after ORDER BY id;";
        cmd.Parameters.AddWithValue("$after", after);
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>How many sessions the store holds, archived included.</summary>
    public int CountAll()
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sessions;";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when <paramref name="cursor"/> is null or a cursor this store issued.</summary>
    public static bool IsValidCursor(string? cursor) => cursor is null || DecodeCursor(cursor) is not null;

    /// <summary>The launch spec the daemon wrote for this session (read by the lane).</summary>
    public LaunchSpec? GetLaunchSpec(SessionId id)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT launch_json FROM sessions WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id.Value);
        return cmd.ExecuteScalar() is string json ? JsonSerializer.Deserialize(json, RecordJsonContext.Default.LaunchSpec) : null;
    }

    /// <summary>
    /// Sessions whose lane may be running (live or pending with a recorded lane), read with columns every schema
    /// version has: the daemon asks these lanes which schemas they can write before it migrates.
    /// </summary>
    public IReadOnlyList<(SessionId Session, ProcessIdentity Lane)> LanesThatMayRun()
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, lane_pid, lane_start_time FROM sessions WHERE status IN ('live','pending') AND lane_pid IS NOT NULL AND lane_start_time IS NOT NULL;";
        var lanes = new List<(SessionId, ProcessIdentity)>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            if (SessionId.TryParse(reader.GetString(0), out var id))
            {
                lanes.Add((id, new ProcessIdentity(reader.GetInt32(1), (ulong)reader.GetInt64(2))));
            }
        }

        return lanes;
    }

    /// <summary>The canonical project root recorded for this session (read by the lane; no Dapper, so NativeAOT-safe).</summary>
    public string? GetProjectRoot(SessionId id)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT project_root FROM sessions WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id.Value);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Whether the session is still <c>pending</c> (read by the lane before its first append; plain ADO.NET).</summary>
    public bool IsPending(SessionId id)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT status FROM sessions WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id.Value);
        return cmd.ExecuteScalar() is "pending";
    }

    /// <summary>Records the lane and harness processes (pid + start time) once the harness runs (written by the lane).</summary>
    public void RecordProcesses(SessionId id, ProcessIdentity lane, ProcessIdentity harness)
    {
        using var connection = _store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            UPDATE sessions SET lane_pid = $lp, lane_start_time = $lst, harness_pid = $hp, harness_start_time = $hst,
                                updated_at = $now
            WHERE id = $id;
            """;
        cmd.Parameters.AddWithValue("$lp", lane.Pid);
        cmd.Parameters.AddWithValue("$lst", (long)lane.StartTime);
        cmd.Parameters.AddWithValue("$hp", harness.Pid);
        cmd.Parameters.AddWithValue("$hst", (long)harness.StartTime);
        cmd.Parameters.AddWithValue("$now", _store.Now());
        cmd.Parameters.AddWithValue("$id", id.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Records the harness's own conversation id once it is known (found while the session runs); true when it
    /// changed. Not a lifecycle change: no event, no updated_at.
    /// </summary>
    public bool RecordConversationId(SessionId id, string conversationId)
    {
        using var connection = _store.Open();
        return connection.Execute(
            "UPDATE sessions SET conversation_id = @conversationId WHERE id = @id AND conversation_id IS NOT @conversationId;",
            new { conversationId, id = id.Value }) > 0;
    }

    /// <summary>
    /// Records a change of what the agent does (docs/attention.md): the row's activity columns and an <c>activity</c>
    /// event in one transaction; returns the event's seq. Not a lifecycle change: no updated_at.
    /// </summary>
    public long RecordActivity(SessionId id, string activity, string? reason, string payloadJson)
    {
        // Plain commands, not Dapper: the lane (NativeAOT) writes this.
        using var connection = _store.Open();
        using var tx = connection.BeginTransaction();
        var now = _store.Now();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE sessions SET activity = $activity, activity_since = $now, activity_reason = $reason WHERE id = $id;";
            cmd.Parameters.AddWithValue("$activity", activity);
            cmd.Parameters.AddWithValue("$now", now);
            cmd.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$id", id.Value);
            cmd.ExecuteNonQuery();
        }

        using var insert = new EventRepository.PreparedInsert(connection, id);
        var seq = insert.Run(tx, [new NewEvent(EventKinds.Activity, payloadJson)], now);
        tx.Commit();
        return seq;
    }

    /// <summary>Records the terminal size after a resize.</summary>
    public void RecordSize(SessionId id, int cols, int rows)
    {
        using var connection = _store.Open();
        connection.Execute("UPDATE sessions SET cols = @cols, rows = @rows WHERE id = @id;", new { cols, rows, id = id.Value });
    }

    /// <summary>
    /// Fires <paramref name="trigger"/> against the stored session: decide with the lifecycle machine, then persist
    /// with a compare-and-set on the status and append the lifecycle event in the same transaction. Sacrifice deletes
    /// the row and its events. Internal transitions (input, resize, kill of a live session) write nothing.
    /// </summary>
    public TransitionResult TryTransition(SessionId id, SessionTrigger trigger, TransitionChanges? changes = null)
    {
        var current = Get(id);
        return current is null
            ? new TransitionResult { Outcome = TransitionOutcome.NotFound }
            : TryTransitionFrom(current, trigger, changes);
    }

    /// <summary>
    /// Like <see cref="TryTransition"/> but decides from a record the caller already read. If the stored status no
    /// longer equals <paramref name="observed"/>'s, the compare-and-set fails and the result is
    /// <see cref="TransitionOutcome.Conflict"/> with the current row: never an overwrite.
    /// </summary>
    public TransitionResult TryTransitionFrom(SessionRecord observed, SessionTrigger trigger, TransitionChanges? changes = null)
    {
        changes ??= TransitionChanges.None;
        var current = observed;
        var id = observed.Id;
        using var connection = _store.Open();
        var decision = SessionLifecycle.Decide(current.Status, trigger, current.ArchivedFrom, changes.Exit, changes.EndReason == EndReason.Killed);
        if (!decision.Permitted)
        {
            return new TransitionResult { Outcome = TransitionOutcome.Rejected, Decision = decision, Session = current };
        }

        if (trigger == SessionTrigger.Sacrifice)
        {
            return Sacrifice(connection, current, decision);
        }

        if (decision.IsInternal)
        {
            return new TransitionResult { Outcome = TransitionOutcome.Applied, Decision = decision, Session = current };
        }

        var now = _store.Now();
        using var tx = connection.BeginTransaction();
        var updated = connection.Execute(
            """
            UPDATE sessions SET status = @To, updated_at = @Now,
                archived_from = CASE WHEN @To = 'archived' THEN @From ELSE NULL END,
                exit_code = COALESCE(@ExitCode, exit_code),
                exit_signal = COALESCE(@ExitSignal, exit_signal),
                end_reason = COALESCE(@EndReason, end_reason),
                message = COALESCE(@Message, message),
                cwd = COALESCE(@Cwd, cwd)
            WHERE id = @Id AND status = @From;
            """,
            new
            {
                Id = id.Value,
                From = WireNames.Of(decision.From),
                To = WireNames.Of(decision.To),
                Now = now,
                ExitCode = changes.Exit?.Code,
                ExitSignal = changes.Exit?.Signal,
                EndReason = changes.EndReason is { } r ? WireNames.Of(r) : null,
                changes.Message,
                changes.Cwd,
            },
            tx);
        if (updated == 0)
        {
            tx.Rollback();
            return new TransitionResult { Outcome = TransitionOutcome.Conflict, Decision = decision, Session = Get(connection, null, id) };
        }

        AppendLifecycle(connection, tx, id, decision.From, decision.To, trigger, changes.Reason, now);
        tx.Commit();
        return new TransitionResult { Outcome = TransitionOutcome.Applied, Decision = decision, Session = Get(connection, null, id) };
    }

    /// <summary>Appends a daemon-side event (input, resize, kill, reattached) for an existing session.</summary>
    public long AppendEvent(SessionId id, string kind, string payloadJson) => _store.Events.Append(id, kind, payloadJson);

    private TransitionResult Sacrifice(SqliteConnection connection, SessionRecord current, TransitionDecision decision)
    {
        using var tx = connection.BeginTransaction();
        var events = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM events WHERE session_id = @Id;", new { Id = current.Id.Value }, tx);
        connection.Execute("DELETE FROM events WHERE session_id = @Id;", new { Id = current.Id.Value }, tx);
        var deleted = connection.Execute(
            "DELETE FROM sessions WHERE id = @Id AND status = @From;",
            new { Id = current.Id.Value, From = WireNames.Of(current.Status) },
            tx);
        if (deleted == 0)
        {
            tx.Rollback();
            return new TransitionResult { Outcome = TransitionOutcome.Conflict, Decision = decision, Session = Get(connection, null, current.Id) };
        }

        tx.Commit();
        Interlocked.Increment(ref _membership);
        return new TransitionResult { Outcome = TransitionOutcome.Applied, Decision = decision, EventsDeleted = events };
    }

    private static SessionRecord? Get(SqliteConnection connection, SqliteTransaction? tx, SessionId id) =>
        connection.QuerySingleOrDefault<SessionRow>($"SELECT {SessionRow.Columns} FROM sessions WHERE id = @Id;", new { Id = id.Value }, tx)?.ToRecord();

    private static void AppendLifecycle(SqliteConnection connection, SqliteTransaction tx, SessionId id, SessionStatus? from, SessionStatus to, SessionTrigger trigger, string? reason, string now)
    {
        var payload = JsonSerializer.Serialize(
            new LifecyclePayload(from is { } f ? WireNames.Of(f) : null, WireNames.Of(to), WireNames.Of(trigger), reason),
            RecordJsonContext.Default.LifecyclePayload);
        EventRepository.Insert(connection, tx, id, [new NewEvent(EventKinds.Lifecycle, payload)], now);
    }

    private static string EncodeCursor(string id) => Convert.ToBase64String(Encoding.UTF8.GetBytes("s:" + id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 100)
        {
            return null;
        }

        var b64 = cursor.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            return text.StartsWith("s:", StringComparison.Ordinal) && SessionId.TryParse(text[2..], out var id) ? id.Value : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
