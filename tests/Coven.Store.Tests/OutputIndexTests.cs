using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Microsoft.Data.Sqlite;

namespace Coven.Store.Tests;

/// <summary>The search index over rendered output lines (docs/search.md), on a real SQLite file.</summary>
public sealed class OutputIndexTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private long Output(SessionRecord s, byte[] bytes)
    {
        var payload = Encoding.UTF8.GetString(bytes) is var text && Encoding.UTF8.GetBytes(text).AsSpan().SequenceEqual(bytes)
            ? JsonSerializer.Serialize(new OutputPayload { Data = text }, CovenJsonContext.Default.OutputPayload)
            : JsonSerializer.Serialize(new OutputPayload { DataBase64 = Convert.ToBase64String(bytes) }, CovenJsonContext.Default.OutputPayload);
        return _f.Store.Events.Append(s.Id, EventKinds.Output, payload);
    }

    private long Output(SessionRecord s, string text) => Output(s, Encoding.UTF8.GetBytes(text));

    private List<SearchHit> Find(string match, string? session = null, int context = 0)
    {
        Assert.True(_f.Store.Search.CatchUpWithin(TimeSpan.FromSeconds(30)));
        return [.. _f.Store.Search.Query(new SearchQuery { Match = match, SessionId = session, Context = context }).Hits];
    }

    [Fact]
    public void A_word_split_across_chunks_with_colour_codes_between_its_letters_is_found_on_its_line()
    {
        var s = _f.CreateSession();
        Output(s, "first line\r\nthe xy");
        Output(s, "\e[3");                      // an escape sequence split between two chunks
        Output(s, "1mlo\e[0mph\e[1;32mon");
        Output(s, [.. "ic "u8, 0xC3]);         // a UTF-8 character split between chunks: "é"
        Output(s, [0xA9, .. "t"u8, 0xC3, 0xA9, .. "\r\nlast\r\n"u8]);

        var hit = Assert.Single(Find("\"xylophonic\""));
        Assert.Equal("the xylophonic été", hit.Text);
        Assert.Equal(s.Id.Value, hit.SessionId);
        Assert.Single(Find("été"));
        Assert.Single(Find("ete")); // diacritics folded

        var withContext = Assert.Single(Find("xylophonic", context: 1));
        Assert.Equal(["first line"], withContext.Before);
        Assert.Equal(["last"], withContext.After);
    }

    [Fact]
    public void The_line_still_being_written_is_searchable_and_grows_in_place()
    {
        var s = _f.CreateSession();
        Output(s, "prompt> partial");
        Assert.Equal("prompt> partial", Assert.Single(Find("partial")).Text);

        Output(s, " answer\r\n");
        var hit = Assert.Single(Find("partial"));
        Assert.Equal("prompt> partial answer", hit.Text);
        Assert.Single(Find("answer"));
    }

    [Fact]
    public void An_open_line_continues_after_a_restart_of_the_indexer()
    {
        var s = _f.CreateSession();
        Output(s, "before restart");
        Assert.Single(Find("restart"));

        using var again = new CovenStore(_f.DatabasePath); // a new daemon: no in-memory state
        Output(s, ", and after\r\n");
        Assert.True(again.Search.CatchUpWithin(TimeSpan.FromSeconds(30)));
        var hit = Assert.Single(again.Search.Query(new SearchQuery { Match = "after" }).Hits);
        Assert.Equal("before restart, and after", hit.Text);
        Assert.Single(again.Search.Query(new SearchQuery { Match = "restart" }).Hits);
    }

    [Fact]
    public void Filters_by_session_project_harness_and_time_and_newest_first()
    {
        var a = _f.CreateSession("codex", "/tmp/a");
        var b = _f.CreateSession("claude", "/tmp/b");
        Output(a, "needle one\n");
        Output(b, "needle two\n");

        Assert.Equal(["needle two", "needle one"], Find("needle").Select(h => h.Text));
        Assert.Equal(["needle one"], Find("needle", a.Id.Value).Select(h => h.Text));
        Assert.Equal(["needle two"], _f.Store.Search.Query(new SearchQuery { Match = "needle", ProjectRoot = "/tmp/b" }).Hits.Select(h => h.Text));
        Assert.Equal(["needle one"], _f.Store.Search.Query(new SearchQuery { Match = "needle", Harness = "codex" }).Hits.Select(h => h.Text));
        var future = Timestamps.Of(DateTimeOffset.UtcNow.AddHours(1));
        Assert.Empty(_f.Store.Search.Query(new SearchQuery { Match = "needle", Since = future }).Hits);
        Assert.Equal(2, _f.Store.Search.Query(new SearchQuery { Match = "needle", Until = future }).Hits.Count);

        var page = _f.Store.Search.Query(new SearchQuery { Match = "needle", Limit = 1 });
        Assert.True(page.HasMore);
        var next = _f.Store.Search.Query(new SearchQuery { Match = "needle", Limit = 1, BeforeId = page.Hits[0].Id });
        Assert.Equal("needle one", Assert.Single(next.Hits).Text);
        Assert.False(next.HasMore);
    }

    [Fact]
    public void Bad_fts_syntax_is_a_syntax_error_not_a_store_failure()
    {
        var s = _f.CreateSession();
        Output(s, "x\n");
        Assert.Throws<SearchSyntaxException>(() => Find("\"unbalanced"));
        Assert.Throws<SearchSyntaxException>(() => Find("nosuchcolumn:word"));
        Assert.Throws<SearchSyntaxException>(() => Find("AND"));
    }

    [Fact]
    public void Pruned_output_leaves_the_index_with_it_and_sacrificed_sessions_too()
    {
        var s = _f.CreateIn(SessionStatus.Finished);
        var first = Output(s, "old words gone\n");
        Output(s, new string('x', 2000) + "\n");
        Output(s, "new words kept\n");
        Assert.Equal(2, Find("words").Count);

        // The per-session cap keeps the newest event only.
        var plan = _f.Store.Retention.Plan(new RetentionSettings { MaxSessionOutputBytes = 100, MaxStoreBytes = 0, MinFreeDiskBytes = 0 });
        var range = Assert.Single(_f.Store.Retention.Apply(plan));
        Assert.Equal(first, range.FromSeq);
        Assert.Equal("new words kept", Assert.Single(Find("words")).Text);

        Assert.True(_f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Sacrifice, new TransitionChanges()).Applied);
        Assert.Empty(Find("words"));
    }

    [Fact]
    public void Consecutive_redraws_of_the_same_line_are_indexed_once()
    {
        var s = _f.CreateSession();
        for (var i = 0; i < 5; i++)
        {
            Output(s, "\rWorking on it\e[K");
        }

        Output(s, "\r\ndone\r\n");
        Assert.Single(Find("working"));
    }

    [Fact]
    public void Time_filters_are_ranges_of_lines_and_a_line_committed_out_of_time_order_takes_the_earlier_lines_time()
    {
        var clock = new SettableClock();
        using var f = new StoreFixture(clock);
        var a = f.CreateSession();
        var b = f.CreateSession();
        var noon = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        string At(int minute) => Timestamps.Of(noon.AddMinutes(minute));
        void Print(SessionRecord s, int minute, string text)
        {
            clock.Now = noon.AddMinutes(minute);
            f.Store.Events.Append(s.Id, EventKinds.Output, JsonSerializer.Serialize(new OutputPayload { Data = text }, CovenJsonContext.Default.OutputPayload));
        }

        Print(a, 10, "needle at ten\r\n");
        Print(b, 5, "needle stamped five\r\n"); // its lane took the time before it waited for the lock
        Print(a, 20, "needle at twenty\r\n");
        for (var i = 0; i < 50; i++)
        {
            Print(b, 30 + i, $"needle later {i}\r\n");
        }

        Assert.True(f.Store.Search.CatchUpWithin(TimeSpan.FromSeconds(30)));
        List<SearchHit> Find(string? since, string? until) =>
            [.. f.Store.Search.Query(new SearchQuery { Match = "needle", Since = since, Until = until, Limit = 100 }).Hits];

        var late = Assert.Single(Find(null, At(11)), h => h.Text == "needle stamped five");
        Assert.Equal(At(10), late.CreatedAt);
        Assert.Equal(["needle stamped five", "needle at ten"], Find(null, At(11)).Select(h => h.Text));
        Assert.Equal(["needle at twenty", "needle stamped five", "needle at ten"], Find(At(10), At(21)).Select(h => h.Text));
        Assert.Equal(["needle at twenty"], Find(At(11), At(30)).Select(h => h.Text));
        Assert.Equal(["needle later 2", "needle later 1", "needle later 0", "needle at twenty"], Find(At(20), At(33)).Select(h => h.Text));
        Assert.Equal(50, Find(At(21), null).Count);
        Assert.Empty(Find(At(80), null));
        Assert.Empty(Find(null, At(10)));
        Assert.Empty(Find(At(21), At(21)));
    }

    [Fact]
    public void Session_and_project_filters_find_exactly_their_lines_with_few_sessions_and_with_many()
    {
        // 70 sessions in one project: more than are matched as tokens, so that filter is applied to the matches.
        var many = Enumerable.Range(0, 70).Select(i => _f.CreateSession("claude", "/tmp/many")).ToList();
        var few = _f.CreateSession("codex", "/tmp/few");
        for (var i = 0; i < many.Count; i++)
        {
            Output(many[i], $"error number {i}\r\n");
        }

        Output(few, "error in the small one\r\n");
        Output(many[3], "error again in three\r\n");

        Assert.Equal(["error in the small one"], Find("error", few.Id.Value).Select(h => h.Text));
        Assert.Equal(["error again in three", "error number 3"], Find("error", many[3].Id.Value).Select(h => h.Text));
        Assert.Equal(["error in the small one"], _f.Store.Search.Query(new SearchQuery { Match = "error", ProjectRoot = "/tmp/few" }).Hits.Select(h => h.Text));
        var project = _f.Store.Search.Query(new SearchQuery { Match = "error", ProjectRoot = "/tmp/many", Limit = 100 }).Hits;
        Assert.Equal(71, project.Count);
        Assert.DoesNotContain(project, h => h.SessionId == few.Id.Value);
        Assert.Equal(["error in the small one"], _f.Store.Search.Query(new SearchQuery { Match = "error", Harness = "codex" }).Hits.Select(h => h.Text));
        Assert.Empty(_f.Store.Search.Query(new SearchQuery { Match = "error", ProjectRoot = "/tmp/none" }).Hits);

        // The session token is not searchable text, and the user's query cannot reach the tags column.
        Assert.Empty(Find("s1"));
        Assert.Throws<SearchSyntaxException>(() => Find("tags:s1"));
    }

    [Fact]
    public void The_upgrade_to_v8_drops_the_v6_index_and_rebuilds_it_from_the_events()
    {
        var s = _f.CreateSession();
        Output(s, "kept through the upgrade\r\nand an open li");
        Assert.Single(Find("upgrade"));

        // Back to the version-6 shape of the index, with the cursor past every event (as a v7 store is).
        using (var connection = new SqliteConnection("Data Source=" + _f.DatabasePath))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                DROP TABLE output_fts; DROP TABLE output_lines; DROP TABLE output_sessions;
                CREATE TABLE output_lines (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, created_at TEXT NOT NULL, text TEXT NOT NULL);
                CREATE VIRTUAL TABLE output_fts USING fts5(text, content='output_lines', content_rowid='id');
                CREATE TABLE output_index (session_id TEXT PRIMARY KEY NOT NULL, open_line INTEGER);
                INSERT INTO output_lines VALUES (1, 'x', 1, 'x', 'stale');
                PRAGMA user_version = 7;
                """;
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        using var upgraded = new CovenStore(_f.DatabasePath);
        upgraded.Migrate();
        Assert.Equal(8, upgraded.SchemaVersion());
        Assert.Equal(0, upgraded.Search.IndexedSeq());
        Output(s, "ne\r\n");
        Assert.True(upgraded.Search.CatchUpWithin(TimeSpan.FromSeconds(30)));
        Assert.Equal("kept through the upgrade", Assert.Single(upgraded.Search.Query(new SearchQuery { Match = "upgrade" }).Hits).Text);
        Assert.Equal("and an open line", Assert.Single(upgraded.Search.Query(new SearchQuery { Match = "line" }).Hits).Text);
        Assert.Empty(upgraded.Search.Query(new SearchQuery { Match = "stale" }).Hits);
    }

    /// <summary>A clock set by hand, backwards too (FakeTimeProvider refuses to go back): a lane's time taken before it waited for the lock.</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
