using Coven.Core;

namespace Coven.Store.Tests;

public sealed class EventRepositoryTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void AppendBatch_ReturnsLastSeqAndKeepsOrder()
    {
        var s = _f.CreateSession();
        var before = _f.Store.Events.LastSeq(s.Id);

        var last = _f.Store.Events.AppendBatch(s.Id, Enumerable.Range(0, 100).Select(i => new NewEvent("output", $$"""{"data":"{{i}}"}""")).ToList());

        var page = _f.Store.Events.Page(s.Id, before, 1000);
        Assert.Equal(100, page.Count);
        Assert.Equal(last, page[^1].Seq);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $$"""{"data":"{{i}}"}"""), page.Select(e => e.PayloadJson));
        Assert.True(page.Zip(page.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(100, page.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Page_AfterSeqAndLimit_WalksWithoutGapsOrRepeats()
    {
        var s = _f.CreateSession();
        var other = _f.CreateSession();
        for (var i = 0; i < 10; i++)
        {
            _f.Store.Events.Append(s.Id, "output", $$"""{"data":"s{{i}}"}""");
            _f.Store.Events.Append(other.Id, "output", $$"""{"data":"o{{i}}"}""");
        }

        var seen = new List<string>();
        long after = 0;
        while (true)
        {
            var page = _f.Store.Events.Page(s.Id, after, 3, "output");
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(e => e.PayloadJson));
            after = page[^1].Seq;
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $$"""{"data":"s{{i}}"}"""), seen);
    }

    [Fact]
    public void Page_AllSessions_IncludesEverySessionInSeqOrder()
    {
        var a = _f.CreateSession();
        var b = _f.CreateSession();
        _f.Store.Events.Append(a.Id, "output", "{}");
        _f.Store.Events.Append(b.Id, "output", "{}");

        var all = _f.Store.Events.Page(null, 0, 100, "output");

        Assert.Equal([a.Id.Value, b.Id.Value], all.Select(e => e.SessionId));
    }

    [Fact]
    public void Append_UnknownSession_IsRefusedByForeignKey()
    {
        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() => _f.Store.Events.Append(SessionId.New(), "output", "{}"));
    }

    [Fact]
    public void Seq_IsNeverReusedAfterSacrifice()
    {
        var s = _f.CreateIn(SessionStatus.Failed);
        var high = _f.Store.Events.Append(s.Id, "output", "{}");
        _f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Sacrifice);

        var next = _f.CreateSession();
        var seq = _f.Store.Events.Append(next.Id, "output", "{}");

        Assert.True(seq > high);
    }

    [Fact]
    public void Latest_ReturnsNewestOfKind()
    {
        var s = _f.CreateSession();
        _f.Store.Events.Append(s.Id, "exit", """{"n":1}""");
        _f.Store.Events.Append(s.Id, "output", "{}");
        _f.Store.Events.Append(s.Id, "exit", """{"n":2}""");

        Assert.Equal("""{"n":2}""", _f.Store.Events.Latest(s.Id, "exit")!.PayloadJson);
        Assert.Null(_f.Store.Events.Latest(s.Id, "resize"));
    }

    [Fact]
    public void Utf8Payload_IsStoredAsTheSameText()
    {
        var s = _f.CreateSession();
        var json = "{\"data\":\"é€中😀 \\u001B[0m\"}";

        _f.Store.Events.AppendBatch(s.Id, [new NewEvent("output", System.Text.Encoding.UTF8.GetBytes(json)), new NewEvent("output", "{}")]);

        var page = _f.Store.Events.Page(s.Id, 0, 10, "output");
        Assert.Equal([json, "{}"], page.Select(e => e.PayloadJson));
        using var connection = _f.Store.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT typeof(payload_json) FROM events WHERE kind = 'output';";
        Assert.Equal("text", cmd.ExecuteScalar());
    }

    [Fact]
    public void AppendOnce_WritesAnIdOnce_WithItsOwnTime_AndRedactsInput()
    {
        var s = _f.CreateSession();
        var before = _f.Store.Events.LastSeq(s.Id);
        var id = Guid.CreateVersion7().ToString("D");
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1230);
        const string Payload = """{"data":"export GITHUB_TOKEN=ghp_Once1Twice2Thrice3Never4Again5Xy6Zz7\r"}""";
        var redacted = _f.Store.Events.RedactInput(Payload);
        Assert.DoesNotContain("ghp_Once1", redacted, StringComparison.Ordinal);
        Assert.Contains("[redacted:", redacted, StringComparison.Ordinal);

        // A spilled payload is redacted already and again when it is written: the second pass changes nothing.
        Assert.Equal(redacted, _f.Store.Events.RedactInput(redacted));

        // The replay of a spill that was written but not removed: the second and third writes of the id change nothing.
        Assert.True(_f.Store.Events.AppendOnce(s.Id, id, EventKinds.Input, Payload, at));
        _f.Store.Events.Append(s.Id, "output", "{}");
        Assert.False(_f.Store.Events.AppendOnce(s.Id, id, EventKinds.Input, redacted, at));
        Assert.False(_f.Store.Events.AppendOnce(s.Id, id, EventKinds.Input, Payload, at.AddSeconds(5)));

        var events = _f.Store.Events.Page(s.Id, before, 10);
        Assert.Equal([EventKinds.Input, "output"], events.Select(e => e.Kind));
        Assert.Equal(id, events[0].Id);
        Assert.Equal(redacted, events[0].PayloadJson);
        Assert.Equal(Timestamps.Of(at), events[0].CreatedAt);
    }
}
