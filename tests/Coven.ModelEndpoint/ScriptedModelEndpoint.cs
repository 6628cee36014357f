using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coven.ModelEndpoint;

/// <summary>
/// A model server on 127.0.0.1 (a free port) that speaks enough of the OpenAI Responses API (Codex) and the
/// Anthropic Messages API (Claude Code), streaming SSE, for real harness CLIs to complete agent turns offline.
/// What it answers is decided by <see cref="AgentScript"/> from the conversation each request carries, so a test
/// scripts a turn by what it types. Every request is recorded (and appended to a JSON-lines log when given).
/// </summary>
public sealed class ScriptedModelEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = [];
    private readonly string? _logPath;
    private int _sequence;

    private ScriptedModelEndpoint(WebApplication app, string? logPath)
    {
        _app = app;
        _logPath = logPath;
    }

    /// <summary><c>http://127.0.0.1:PORT</c> (Claude Code's ANTHROPIC_BASE_URL; Codex's base_url is this + <c>/v1</c>).</summary>
    public string BaseAddress { get; private set; } = string.Empty;

    /// <summary>Every request received so far (a copy).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<ScriptedModelEndpoint> StartAsync(string? logPath = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var endpoint = new ScriptedModelEndpoint(app, logPath);
        app.Run(endpoint.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        endpoint.BaseAddress = address.TrimEnd('/');
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var path = request.Path.Value ?? "/";
        Record(new RecordedRequest(request.Method, path + request.QueryString.Value, body));
        var response = context.Response;
        switch (request.Method, path)
        {
            case ("POST", "/v1/responses"):
                await OpenAiResponses.WriteAsync(response, JsonNode.Parse(body)!, Next(), context.RequestAborted);
                break;
            case ("POST", "/v1/messages"):
                await AnthropicMessages.WriteAsync(response, JsonNode.Parse(body)!, Next(), context.RequestAborted);
                break;
            case ("POST", "/v1/messages/count_tokens"):
                await WriteJsonAsync(response, new JsonObject { ["input_tokens"] = 10 });
                break;
            case ("GET", "/v1/models"):
                await WriteJsonAsync(response, new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(new JsonObject { ["id"] = AgentScript.Model, ["object"] = "model", ["owned_by"] = "coven-tests" }),
                    ["models"] = new JsonArray(),
                });
                break;
            case ("HEAD", _) or ("GET", "/"):
                response.StatusCode = 200;
                break;
            default:
                response.StatusCode = 404;
                await WriteJsonAsync(response, new JsonObject { ["error"] = new JsonObject { ["type"] = "not_found", ["message"] = "the scripted endpoint does not serve " + path } }, 404);
                break;
        }
    }

    private int Next() => Interlocked.Increment(ref _sequence);

    private void Record(RecordedRequest recorded)
    {
        lock (_requests)
        {
            _requests.Add(recorded);
            if (_logPath is not null)
            {
                var line = new JsonObject { ["method"] = recorded.Method, ["path"] = recorded.Path, ["body"] = recorded.Body }.ToJsonString();
                File.AppendAllText(_logPath, line + "\n");
            }
        }
    }

    private static Task WriteJsonAsync(HttpResponse response, JsonNode json, int status = 200)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(json.ToJsonString());
    }
}

/// <summary>One request the endpoint received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Body);

/// <summary>Server-sent events, one <c>event:</c>/<c>data:</c> pair per call, flushed at once.</summary>
internal sealed class SseWriter(HttpResponse response)
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = false };

    public static SseWriter Start(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        return new SseWriter(response);
    }

    public async Task SendAsync(string name, JsonObject data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {name}\ndata: {data.ToJsonString(s_options)}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
