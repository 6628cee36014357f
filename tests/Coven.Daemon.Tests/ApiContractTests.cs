using System.Net;
using System.Text.Json;
using Coven.Core.Api;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// The three descriptions of the API cannot drift: every route the daemon serves (its OpenAPI document lists every
/// route of the endpoint data source) is in docs/api.md and the other way round; every field of real answers of a
/// real daemon (a fake-harness session driven through its whole life) is declared in the OpenAPI schema of that
/// route and status and named in docs/api.md; so are every request field, query parameter, error code and event
/// payload field.
/// </summary>
public sealed class ApiContractTests : IAsyncLifetime
{
    // Answers whose fields are not Coven's: POST /actions answers with the body of the direct route it runs (compared
    // byte for byte by the control-plane tests); GET /openapi.json is an OpenAPI document.
    private static readonly HashSet<string> s_passThrough = ["actions", "openapi"];

    private readonly DaemonHome _home = new();
    private readonly List<Capture> _captures = [];
    private DaemonProcess _daemon = null!;
    private OpenApiContract _contract = null!;

    private sealed record Capture(string Method, string Template, int Status, string? MediaType, string Text);

    public async Task InitializeAsync()
    {
        _daemon = await _home.StartAsync();
        var served = await _daemon.Api.GetAsync("api/v1/openapi.json");
        Assert.Equal(HttpStatusCode.OK, served.Status);
        _contract = new OpenApiContract(served.Json.Clone(), await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "api.md")));
    }

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public void Routes_InTheOpenApiDocument_AreExactlyTheRoutesOfDocsApiMd()
    {
        var served = _contract.Operations().Select(o => (o.Method, o.Path)).ToHashSet();
        var documented = _contract.DocumentedRoutes();
        Assert.True(served.Count > 25, "the document lists only " + served.Count + " routes");
        Assert.True(served.Except(documented).ToList() is [], "served but not in docs/api.md: " + string.Join(", ", served.Except(documented)));
        Assert.True(documented.Except(served).ToList() is [], "in docs/api.md but not served: " + string.Join(", ", documented.Except(served)));
    }

    [Fact]
    public void Operations_DeclareAnswersBodiesAndQueries_AndDocsApiMdNamesThem()
    {
        var problems = new List<string>();
        foreach (var (method, path, op) in _contract.Operations())
        {
            var where = $"{method} {path}";
            var id = op.TryGetProperty("operationId", out var name) ? name.GetString() : null;
            if (id is null)
            {
                problems.Add(where + ": no operationId (WithName)");
            }

            var responses = op.GetProperty("responses").EnumerateObject().ToList();
            var success = responses.Where(r => r.Name.StartsWith('2')).ToList();
            if (success.Count == 0)
            {
                problems.Add(where + ": no 2xx answer declared (.Answers<T>() / .Produces)");
            }

            foreach (var r in success.Where(r => r.Name != "204" && !s_passThrough.Contains(id ?? string.Empty) && !r.Value.TryGetProperty("content", out _)))
            {
                problems.Add($"{where}: {r.Name} has no schema");
            }

            if (!responses.Any(r => r.Name == "500") && path != "/api/v1/openapi.json")
            {
                problems.Add(where + ": error statuses not declared (.Errors(...))");
            }

            foreach (var p in op.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray() : default)
            {
                if (p.GetProperty("in").GetString() == "query" && !_contract.Names(p.GetProperty("name").GetString()!))
                {
                    problems.Add($"{where}: query parameter {p.GetProperty("name")} not named in docs/api.md");
                }
            }

            if (op.TryGetProperty("requestBody", out var body))
            {
                var schema = _contract.Resolve(body.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
                foreach (var field in schema.GetProperty("properties").EnumerateObject())
                {
                    if (!_contract.Names(field.Name))
                    {
                        problems.Add($"{where}: request field {field.Name} not named in docs/api.md");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void ErrorCodes_AreAllInDocsApiMd()
    {
        var codes = typeof(ErrorCodes).GetFields().Concat(typeof(CastErrorCodes).GetFields())
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Contains("session_not_found", codes);
        Assert.True(codes.Where(c => !_contract.Names(c)).ToList() is [], "error codes not in docs/api.md: " + string.Join(", ", codes.Where(c => !_contract.Names(c))));
    }

    [Fact]
    public async Task RealAnswers_OfEveryRoute_AreDeclaredInOpenApiAndNamedInDocsApiMd()
    {
        await DriveEveryRouteAsync();

        var problems = new List<string>();
        var answered = new HashSet<(string, string)>();
        foreach (var c in _captures)
        {
            var where = $"{c.Method} {c.Template} → {c.Status}";
            if (_contract.Operation(c.Method, c.Template) is not { } op)
            {
                problems.Add(where + ": route not in the OpenAPI document");
                continue;
            }

            if (c.Status is >= 200 and < 300)
            {
                answered.Add((c.Method, c.Template));
            }

            if (c.Status == 204)
            {
                Assert.True(c.Text.Length == 0, where + " has a body");
                continue;
            }

            var id = op.GetProperty("operationId").GetString()!;
            if (s_passThrough.Contains(id) && c.Status is >= 200 and < 300)
            {
                continue;
            }

            var documents = c.MediaType == "text/event-stream"
                ? SseData(c.Text)
                : [JsonDocument.Parse(c.Text).RootElement];
            if (_contract.ResponseSchema(op, c.Status, c.MediaType ?? "?") is not { } schema)
            {
                problems.Add($"{where}: no {c.MediaType} schema declared for this status");
                continue;
            }

            foreach (var json in documents)
            {
                problems.AddRange(_contract.Check(json, schema, where));
                foreach (var (field, at) in OpenApiContract.FieldNames(json, where))
                {
                    if (!_contract.Names(field))
                    {
                        problems.Add($"{at}.{field}: not named in docs/api.md");
                    }
                }

                problems.AddRange(CheckPayloads(json, where));
            }
        }

        foreach (var (method, path, op) in _contract.Operations())
        {
            if (!answered.Contains((method, path)))
            {
                problems.Add($"{method} {path} ({op.GetProperty("operationId")}): no successful answer captured; exercise it in DriveEveryRouteAsync");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
    }

    /// <summary>Event payloads (<c>payloadJson</c>) against the schema the document maps their kind to.</summary>
    private IEnumerable<string> CheckPayloads(JsonElement json, string where)
    {
        var events = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList()
            : json.ValueKind == JsonValueKind.Object && json.TryGetProperty("payloadJson", out _) ? [json]
            : [];
        var map = _contract.Component("#/components/schemas/EventDto").GetProperty("x-coven-payload-schemas");
        foreach (var e in events)
        {
            var kind = e.GetProperty("kind").GetString()!;
            var at = $"{where} {kind} payload";
            if (!_contract.Names(kind))
            {
                yield return $"{at}: event kind not named in docs/api.md";
            }

            if (!map.TryGetProperty(kind, out var reference))
            {
                yield return $"{at}: no payload schema for this kind";
                continue;
            }

            using var payload = JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!);
            foreach (var problem in _contract.Check(payload.RootElement, _contract.Component(reference.GetString()!), at))
            {
                yield return problem;
            }

            foreach (var (field, fieldAt) in OpenApiContract.FieldNames(payload.RootElement, at))
            {
                if (!_contract.Names(field))
                {
                    yield return $"{fieldAt}.{field}: not named in docs/api.md";
                }
            }
        }
    }

    private static List<JsonElement> SseData(string text) =>
        text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();

    /// <summary>One session through its whole life, and the routes around it, each answer recorded.</summary>
    private async Task DriveEveryRouteAsync()
    {
        var root = _home.Project;
        var rootJson = JsonSerializer.Serialize(root);
        await Call("GET", "/api/v1/health");
        await Call("GET", "/api/v1/openapi.json");
        await Call("GET", "/api/v1/capabilities");
        await Call("GET", "/api/v1/cast-codes");
        await Call("POST", "/api/v1/store/prune", body: """{"dryRun":true}""");
        await Call("POST", "/api/v1/store/vacuum");

        // The web cockpit's loopback listener: start (its URL and token), status, stop (docs/web.md).
        await Call("POST", "/api/v1/web", body: "{}");
        await Call("GET", "/api/v1/web");
        await Call("DELETE", "/api/v1/web");

        // A worktree session in a real repository with one commit: its diff, merge (nothing to merge), the list, prune.
        var repo = await GitRepo.InitAsync(Path.Combine(root, "repo"));
        await GitAsync(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "base");
        var wt = await Call("POST", "/api/v1/sessions", body: $$"""{"projectRoot":{{JsonSerializer.Serialize(repo)}},"harness":"codex","prompt":"hi","worktree":true}""");
        Assert.True((int)wt.Status == 201, wt.Text);
        var wtId = JsonDocument.Parse(wt.Text).RootElement.GetProperty("id").GetString()!;
        await Call("GET", "/api/v1/sessions/{id}/diff", wtId);
        await Call("POST", "/api/v1/sessions/{id}/merge", wtId, body: "{}");
        await Call("GET", "/api/v1/worktrees");
        await Call("POST", "/api/v1/worktrees/prune", body: "{}");

        var launched = await Call("POST", "/api/v1/sessions", body: $$"""{"projectRoot":{{rootJson}},"harness":"codex","prompt":"hello","title":"contract","cols":100,"rows":30}""");
        Assert.True((int)launched.Status == 201, launched.Text);
        var id = JsonDocument.Parse(launched.Text).RootElement.GetProperty("id").GetString()!;
        await Call("GET", "/api/v1/sessions");
        await Call("GET", "/api/v1/sessions", query: "?idPrefix=" + id[..8] + "&includeArchived=true&limit=5");
        await Call("GET", "/api/v1/sessions/{id}", id);
        var waited = await Call("POST", "/api/v1/sessions/{id}/wait", id, """{"for":"ready","timeoutMs":15000}""");
        Assert.Contains("\"matched\"", waited.Text, StringComparison.Ordinal);
        await Call("GET", "/api/v1/sessions/{id}/screen", id);
        await Call("GET", "/api/v1/sessions/{id}/screen", id, query: "?ansi=true");
        var found = await Call("GET", "/api/v1/search", query: $"?q=ready&sessionId={id}&context=1&limit=5");
        Assert.NotEqual(0, found.Json.GetProperty("hits").GetArrayLength());
        await Call("POST", "/api/v1/sessions/{id}/input", id, """{"data":"hello\r"}""");
        await Call("POST", "/api/v1/sessions/{id}/input", id, """{"data":"again","submit":true}""");
        await Call("POST", "/api/v1/sessions/{id}/resize", id, """{"cols":90,"rows":28}""");
        await Call("POST", "/api/v1/actions", body: $$"""{"action":"session.resize","sessionId":"{{id}}","args":{"cols":100,"rows":30} }""");
        await Call("GET", "/api/v1/sessions/{id}/handoff", id);
        await Call("GET", "/api/v1/sessions/{id}/handoff", id, query: "?format=prompt&lines=20");

        await Call("POST", "/api/v1/familiars", body: """{"name":"scout","harness":"codex","model":"m1","args":["--x"]}""");
        await Call("POST", "/api/v1/familiars", body: """{"name":"scout","harness":"codex"}""");
        await Call("POST", "/api/v1/familiars/active", body: $$"""{"projectRoot":{{rootJson}},"familiar":"scout"}""");
        await Call("GET", "/api/v1/familiars", query: "?projectRoot=" + Uri.EscapeDataString(root));
        await Call("POST", "/api/v1/cast", body: $$"""{"code":"~?","projectRoot":{{rootJson}}}""");

        // Errors of a live session.
        await Call("POST", "/api/v1/sessions/{id}/archive", id);
        await Call("POST", "/api/v1/sessions/{id}/resume", id);

        await Call("POST", "/api/v1/sessions/{id}/kill", id, """{"signal":"TERM","graceMs":2000}""");
        Assert.True(
            await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) is "finished" or "failed", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20)),
            "the killed session did not end");
        await Call("GET", "/api/v1/sessions/{id}/stream", id, query: "?afterSeq=0");
        await Call("GET", "/api/v1/events/stream", query: "?afterSeq=0&kind=lifecycle,exit");
        await Call("GET", "/api/v1/events/stream", query: "?kind=Life-cycle");
        await Call("GET", "/api/v1/sessions/{id}/events", id, query: "?limit=1000");
        await Call("GET", "/api/v1/events", query: $"?sessionId={id}&afterSeq=0&limit=2");
        await Call("GET", "/api/v1/sessions/{id}/screen", id);
        await Call("POST", "/api/v1/sessions/{id}/input", id, """{"data":"late\r"}""");

        var resumed = await Call("POST", "/api/v1/sessions/{id}/resume", id, """{"cols":80,"rows":24}""");
        Assert.True((int)resumed.Status == 201, resumed.Text);
        var resumedId = JsonDocument.Parse(resumed.Text).RootElement.GetProperty("id").GetString()!;
        await Call("POST", "/api/v1/sessions/{id}/kill", resumedId, """{"signal":"KILL"}""");

        await Call("POST", "/api/v1/sessions/{id}/archive", id);
        await Call("POST", "/api/v1/sessions/{id}/summon", id);
        await Call("POST", "/api/v1/sessions/{id}/archive", id);

        var scheduled = await Call("POST", "/api/v1/rituals/schedules", body: """{"ritual":"summon","every":"1h","selector":{"statuses":["archived"],"olderThan":"1s"}}""");
        Assert.True((int)scheduled.Status == 201, scheduled.Text);
        var scheduleId = JsonDocument.Parse(scheduled.Text).RootElement.GetProperty("id").GetString()!;
        await Call("GET", "/api/v1/rituals/schedules");
        await Call("POST", "/api/v1/rituals/schedules/{id}/run", scheduleId);
        await Call("DELETE", "/api/v1/rituals/schedules/{id}", scheduleId);
        await Call("DELETE", "/api/v1/rituals/schedules/{id}", scheduleId);
        await Call("POST", "/api/v1/rituals/schedules/defaults");

        await Call("POST", "/api/v1/sessions/{id}/sacrifice", id, """{"confirm":false}""");
        await Call("POST", "/api/v1/sessions/{id}/sacrifice", id, """{"confirm":true}""");
        await Call("GET", "/api/v1/sessions/{id}", id);
        await Call("DELETE", "/api/v1/familiars/{name}", "scout");
        await Call("DELETE", "/api/v1/familiars/{name}", "scout");

        // Errors of the edges.
        await Call("POST", "/api/v1/sessions", body: "{}");
        await Call("POST", "/api/v1/sessions", body: "{\"projectRoot\":" + rootJson + ",\"harness\":\"nope\"}");
        await Call("GET", "/api/v1/sessions", query: "?limit=0");
        await Call("GET", "/api/v1/events", query: "?afterSeq=-1");
        await Call("POST", "/api/v1/cast", body: """{"code":"~~"}""");
        await Call("POST", "/api/v1/actions", body: """{"action":"session.explode"}""");
        await Call("GET", "/api/v1/search", query: "?q=");
        await Call("GET", "/api/v1/search", query: "?q=%22unbalanced&mode=fts");
    }

    private async Task<Reply> Call(string method, string template, string? id = null, string? body = null, string query = "")
    {
        var path = (id is null ? template : template.Replace("{id}", id, StringComparison.Ordinal).Replace("{name}", id, StringComparison.Ordinal)) + query;
        var reply = method switch
        {
            "GET" when template == "/api/v1/events/stream" => await FirstEventsAsync(path),
            "GET" when template.EndsWith("/stream", StringComparison.Ordinal) => await StreamAsync(path),
            "GET" => await _daemon.Api.GetAsync(path),
            "POST" => await _daemon.Api.PostAsync(path, body),
            "DELETE" => await _daemon.Api.DeleteAsync(path),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        Assert.True((int)reply.Status < 500, $"{method} {path}: {reply}");
        _captures.Add(new Capture(method, template, (int)reply.Status, reply.ContentType, reply.Text));
        return reply;
    }

    private async Task<Reply> StreamAsync(string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var r = await _daemon.Client.GetAsync(path.TrimStart('/'), cts.Token);
        return await Reply.ReadAsync(r);
    }

    /// <summary>The all-sessions stream never ends by itself: its answer up to the first complete event.</summary>
    private async Task<Reply> FirstEventsAsync(string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var r = await _daemon.Client.GetAsync(path.TrimStart('/'), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (!r.IsSuccessStatusCode)
        {
            return await Reply.ReadAsync(r);
        }

        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(cts.Token));
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            text.Append(line).Append('\n');
            if (line.Length == 0 && text.ToString().Contains("\ndata: ", StringComparison.Ordinal))
            {
                break;
            }
        }

        return new Reply(r.StatusCode, text.ToString(), r.Content.Headers.ContentType?.MediaType);
    }

    private static async Task GitAsync(string repo, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repo };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var git = System.Diagnostics.Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await git.WaitForExitAsync(cts.Token);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {await git.StandardError.ReadToEndAsync()}");
    }
}
