using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// <c>coven sessions</c> and prefix resolution against a scripted daemon socket: paging, client-side filters,
/// records passed through with fields this CLI does not know, and answers that are not a session list.
/// </summary>
public sealed class SessionListTests : IDisposable
{
    private const string IdA = "01a2125b-f104-70a4-9127-7c47adbeed59";
    private const string IdB = "01a2125b-f183-72da-a51b-abe93ef6d676";
    private const string IdC = "01a2125c-0000-7000-8000-000000000001";

    private readonly TempDir _home = new();

    public void Dispose() => _home.Dispose();

    private string Socket => _home.Combine("coven.sock");

    private Func<string, string?> Env => n => n switch
    {
        "COVEN_HOME" => _home.Path,
        "COVEN_NO_AUTOSTART" => "1",
        _ => null,
    };

    private static string Record(string id, string status, string title) =>
        $$$"""{"id":"{{{id}}}","projectRoot":"/p","cwd":"/p","harness":"fake","title":"{{{title}}}","status":"{{{status}}}","archived":false,"createdAt":"2026-11-25T10:00:00Z","updatedAt":"2026-11-25T10:00:00Z","rows":40,"cols":120,"allowedActions":[],"futureField":{"nested":[1,2]}}""";

    /// <summary>Two pages: A and B, then C (the cursor of the first page leads to the second).</summary>
    private IReadOnlyList<byte[]> TwoPages(string head) =>
        head.Contains("cursor=page2", StringComparison.Ordinal)
            ? ScriptedServer.Json($$"""{"sessions":[{{Record(IdC, "failed", "third")}}],"nextCursor":null}""")
            : ScriptedServer.Json($$"""{"sessions":[{{Record(IdA, "live", "first")}},{{Record(IdB, "finished", "second ü")}}],"nextCursor":"page2"}""");

    [Fact]
    public async Task Json_FollowsTheCursorAndPassesRecordsThroughWithUnknownFields()
    {
        using var server = new ScriptedServer(Socket, TwoPages);

        var (code, stdout, stderr) = await ParseTests.RunAsync(Env, "sessions", "--json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var sessions = doc.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal([IdA, IdB, IdC], sessions.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal("second ü", sessions[1].GetProperty("title").GetString());
        Assert.Equal(2, sessions[2].GetProperty("futureField").GetProperty("nested").GetArrayLength());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SeveralStatuses_AreFilteredHereAndLimitApplies()
    {
        using var server = new ScriptedServer(Socket, TwoPages);

        var (code, stdout, stderr) = await ParseTests.RunAsync(Env, "sessions", "--status", "failed,live", "--quiet");

        Assert.True(code == 0, stderr);
        Assert.Equal($"{IdA}\n{IdC}\n", stdout);

        (code, stdout, stderr) = await ParseTests.RunAsync(Env, "sessions", "--status", "failed,live", "-n", "1", "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Equal($"{IdA}\n", stdout);
    }

    [Fact]
    public async Task Table_ShowsTypedRecords()
    {
        using var server = new ScriptedServer(Socket, TwoPages);

        var (code, stdout, stderr) = await ParseTests.RunAsync(Env, "sessions");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^01a2125b-f10\s+fake\s+live\s+unknown\s+first\s", lines[1]);
        Assert.Matches(@"^01a2125b-f18\s+fake\s+finished\s+-\s+second ü\s", lines[2]);
    }

    [Fact]
    public async Task Reference_IsResolvedByTheDaemonsRefFilter_AndCheckedHere()
    {
        using var server = new ScriptedServer(Socket, head =>
            head.StartsWith($"GET /api/v1/sessions/{IdC} ", StringComparison.Ordinal) ? ScriptedServer.Json(Record(IdC, "failed", "third"))
            : head.Contains("ref=01A2125c&", StringComparison.Ordinal) ? ScriptedServer.Json($$"""{"sessions":[{{Record(IdC, "failed", "third")}}],"nextCursor":null}""")
            : head.Contains("ref=01a2125b&", StringComparison.Ordinal) ? ScriptedServer.Json($$"""{"sessions":[{{Record(IdA, "live", "first")}},{{Record(IdB, "finished", "second")}}],"nextCursor":null}""")

            // A daemon that ignored the filter: every session comes back, and only the matching one may be taken.
            : ScriptedServer.Json($$"""{"sessions":[{{Record(IdA, "live", "first")}},{{Record(IdB, "finished", "second")}}],"nextCursor":null}"""));

        var (code, stdout, stderr) = await ParseTests.RunAsync(Env, "show", "01A2125c", "--json");

        Assert.True(code == 0, stderr);
        Assert.Contains($"\"id\": \"{IdC}\"", stdout, StringComparison.Ordinal);
        Assert.Contains("GET /api/v1/sessions?includeArchived=true&ref=01A2125c&limit=21 ", server.Requests[0], StringComparison.Ordinal);

        (code, _, stderr) = await ParseTests.RunAsync(Env, "show", "01a2125b");
        Assert.Equal(2, code);
        Assert.StartsWith("coven: session reference '01a2125b' is ambiguous: 2 sessions match", stderr, StringComparison.Ordinal);
        Assert.Contains($"  {IdA}  fake  live  first", stderr, StringComparison.Ordinal);

        // The end of B's id and A's exact title, though the daemon answered with both sessions.
        (code, stdout, stderr) = await ParseTests.RunAsync(Env, "show", "e93ef6d676", "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains($"\"id\": \"{IdB}\"", stdout, StringComparison.Ordinal);
        (code, stdout, stderr) = await ParseTests.RunAsync(Env, "show", "first", "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains($"\"id\": \"{IdA}\"", stdout, StringComparison.Ordinal);
        (code, _, stderr) = await ParseTests.RunAsync(Env, "show", "nope");
        Assert.Equal(4, code);
        Assert.Contains("(session_not_found)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"sessions":{}}""")]
    [InlineData("""{"sessions":[1]}""")]
    [InlineData("""[]""")]
    [InlineData("""{"sessions":[""")]
    public async Task AnswersThatAreNotAList_AreBadResponse(string body)
    {
        using var server = new ScriptedServer(Socket, _ => ScriptedServer.Json(body));

        var (code, stdout, stderr) = await ParseTests.RunAsync(Env, "sessions", "--json");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Matches(@"^coven: the daemon's answer is not a valid SessionListResponse: .*\(bad_response\)\n$", stderr);
    }
}
