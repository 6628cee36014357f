using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

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
}
