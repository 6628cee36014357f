using System.Net;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Issue 15 search: a real daemon and lane; a harness prints a word in two writes with colour codes between its letters.</summary>
public sealed class SearchEndToEndTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        // "xylophonic" reaches the PTY as "xylo" and, 200 ms later, "ph" "o" "nic" with SGR sequences in between.
        _home.Harness.Write("codex", "printf 'first line\\n'\nprintf 'the answer is xylo'\nsleep 0.2\nprintf '\\033[1mph\\033[32mo\\033[0mnic today\\r\\n'\nprintf 'after line\\n'");
        _home.Harness.Write("claude", "printf 'xylophonic elsewhere\\n'");
        _daemon = await _home.StartAsync();
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    private Api Api => _daemon.Api;

    private async Task<string> RunToEndAsync(string harness)
    {
        var r = await Api.PostAsync("api/v1/sessions", System.Text.Json.JsonSerializer.Serialize(new { projectRoot = _home.Project, harness, prompt = "p" }));
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var id = r.Json.GetProperty("id").GetString()!;
        Assert.True(await Eventually.TrueAsync(async () => await Api.StatusAsync(id) == "finished", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)));
        return id;
    }

    [Fact]
    public async Task A_word_split_across_writes_with_colour_codes_is_found_with_its_context_and_filters_apply()
    {
        var split = await RunToEndAsync("codex");
        var other = await RunToEndAsync("claude");

        // The recording really has the word in pieces: no output event holds it whole.
        var events = (await Api.GetAsync($"api/v1/sessions/{split}/events?kind=output&limit=1000")).Json.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("payloadJson").GetString()!).ToList();
        Assert.Contains(events, p => p.Contains("xylo", StringComparison.Ordinal));
        Assert.DoesNotContain(events, p => p.Contains("xylophonic", StringComparison.Ordinal));

        var all = await Api.GetAsync("api/v1/search?q=xylophonic&context=1");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        var hits = all.Json.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal([other, split], hits.Select(h => h.GetProperty("sessionId").GetString()));
        var hit = hits[1];
        Assert.Equal("the answer is xylophonic today", hit.GetProperty("line").GetString());
        Assert.Equal(["first line"], hit.GetProperty("before").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["after line"], hit.GetProperty("after").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("codex", hit.GetProperty("harness").GetString());
        Assert.EndsWith(hit.GetProperty("ref").GetString()!, split, StringComparison.Ordinal);
        Assert.True(all.Json.GetProperty("indexComplete").GetBoolean());

        async Task<List<string?>> Sessions(string query) =>
            [.. (await Api.GetAsync("api/v1/search?q=xylophonic&" + query)).Json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("sessionId").GetString())];
        Assert.Equal([split], await Sessions("harness=codex"));
        Assert.Equal([other], await Sessions("sessionId=" + other));
        Assert.Equal([other, split], await Sessions("projectRoot=" + Uri.EscapeDataString(_home.Project)));
        Assert.Empty(await Sessions("projectRoot=/nowhere"));
        Assert.Empty(await Sessions("since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))));
        Assert.Equal(2, (await Sessions("until=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O")))).Count);

        // A phrase matches words in order; fts mode takes FTS5 syntax.
        var phrase = await Api.GetAsync("api/v1/search?q=" + Uri.EscapeDataString("answer is xylophonic"));
        Assert.Single(phrase.Json.GetProperty("hits").EnumerateArray());
        var fts = await Api.GetAsync("api/v1/search?mode=fts&q=" + Uri.EscapeDataString("xylo* NOT elsewhere"));
        Assert.Equal(split, Assert.Single(fts.Json.GetProperty("hits").EnumerateArray()).GetProperty("sessionId").GetString());

        // Pages: limit 1, then the cursor.
        var first = await Api.GetAsync("api/v1/search?q=xylophonic&limit=1");
        Assert.True(first.Json.GetProperty("hasMore").GetBoolean());
        var second = await Api.GetAsync("api/v1/search?q=xylophonic&limit=1&cursor=" + first.Json.GetProperty("nextCursor").GetString());
        Assert.Equal(split, Assert.Single(second.Json.GetProperty("hits").EnumerateArray()).GetProperty("sessionId").GetString());
        Assert.False(second.Json.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("", "q (the text to search for) is required")]
    [InlineData("q=%20%20", "q (the text to search for) is required")]
    [InlineData("q=%2A%2A%2A", "no words to search for")]
    [InlineData("q=%22unbalanced&mode=fts", "not a valid FTS5 query")]
    [InlineData("q=col%3Aword&mode=fts", "not a valid FTS5 query")]
    [InlineData("q=a&mode=regex", "mode 'regex' is not one of phrase, fts")]
    [InlineData("q=a&limit=0", "limit must be an integer between 1 and 1000")]
    [InlineData("q=a&context=21", "context must be an integer between 0 and 20")]
    [InlineData("q=a&since=yesterday", "since must be an RFC 3339 time")]
    [InlineData("q=a&cursor=abc", "cursor is not a cursor this daemon issued")]
    public async Task Bad_input_is_a_400_envelope(string query, string message)
    {
        var r = await Api.GetAsync("api/v1/search?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("invalid_request", r.ErrorCode);
        Assert.Contains(message, r.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_session_is_a_404()
    {
        var r = await Api.GetAsync("api/v1/search?q=a&sessionId=0193a5f0-0000-7000-8000-000000000000");
        Assert.Equal(HttpStatusCode.NotFound, r.Status);
        Assert.Equal("session_not_found", r.ErrorCode);
    }
}
