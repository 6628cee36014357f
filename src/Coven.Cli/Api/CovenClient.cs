using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Api;

/// <summary>
/// The client side of docs/api.md: HTTP/1.1 over the daemon's Unix socket. Every failure surfaces as a
/// <see cref="CliException"/> carrying the API's stable error code; a socket that does not answer is
/// <c>daemon_unreachable</c>.
/// </summary>
internal sealed class CovenClient
{
    private readonly int _receiveTimeoutMs;

    /// <param name="timeout">How long one answer may take (a socket receive timeout; default 120 s: launches wait for the lane).</param>
    public CovenClient(string socketPath, TimeSpan? timeout = null)
        : this(new LocalTransport(socketPath), timeout)
    {
    }

    /// <param name="transport">The local socket or another host's daemon over SSH; shared by the clients of one command.</param>
    /// <param name="timeout">How long one answer may take (default 120 s: launches wait for the lane).</param>
    public CovenClient(IDaemonTransport transport, TimeSpan? timeout = null)
    {
        Transport = transport;
        _receiveTimeoutMs = (int)(timeout ?? TimeSpan.FromSeconds(120)).TotalMilliseconds;
    }

    public IDaemonTransport Transport { get; }

    /// <summary>Where the daemon is, for messages: its socket path, or its host's ssh:// address.</summary>
    public string SocketPath => Transport.Describe;

    /// <summary>
    /// Called once when the daemon's socket refuses a connection (nothing was sent): returns true after starting
    /// the daemon, and the request is then sent again. A request that reached the daemon is never repeated.
    /// </summary>
    public Func<CancellationToken, Task<bool>>? Recover { get; set; }

    public Task<HealthResponse> HealthAsync(CancellationToken ct) =>
        GetAsync("api/v1/health", CovenJsonContext.Default.HealthResponse, ct);

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        var body = await SendAsync(HttpVerb.Get, path, null, ct);
        return Deserialize(body, typeInfo);
    }

    public async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        var body = await SendAsync(HttpVerb.Post, path, JsonSerializer.Serialize(request, requestType), ct);
        return Deserialize(body, responseType);
    }

    /// <summary>Sends a request and returns the body of a successful answer; an error answer throws.</summary>
    public async Task<string> SendAsync(string method, string path, string? jsonBody, CancellationToken ct)
    {
        var (status, body) = await ReachDaemonAsync(() => Transport.ExchangeAsync(method, path, jsonBody, _receiveTimeoutMs, ct), ct);
        return status is < 200 or > 299 ? throw ErrorFrom(status, body) : body;
    }

    /// <summary>
    /// Follows <c>GET /api/v1/sessions/{id}/stream?afterSeq=N</c> (server-sent events). Ends when the server
    /// ends the stream; a dropped connection ends it too, and the caller decides whether to reconnect.
    /// </summary>
    public async IAsyncEnumerable<EventDto> StreamAsync(string sessionId, long afterSeq, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = $"api/v1/sessions/{Uri.EscapeDataString(sessionId)}/stream?afterSeq={afterSeq}";
        await using var response = await OpenStreamAsync(path, ct);
        if (response.Status is < 200 or > 299)
        {
            throw ErrorFrom(response.Status, await response.ReadBodyAsStringAsync(ct));
        }

        var stream = response.Body;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        string? eventName = null;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(ct);
            }
            catch (IOException)
            {
                yield break;
            }
            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0 && eventName == "store")
                {
                    // Not a stored event: the store's state ({"state", "message"}), passed on as kind "store", seq 0.
                    yield return new EventDto(0, string.Empty, string.Empty, "store", data.ToString(), string.Empty);
                    data.Clear();
                }
                else if (data.Length > 0)
                {
                    var evt = TryDeserialize(data.ToString(), CovenJsonContext.Default.EventDto);
                    data.Clear();
                    if (evt is not null)
                    {
                        yield return evt;
                    }
                }

                eventName = null;
                continue;
            }

            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].Trim();
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
            }

            // "id:", "event:", "retry:" and ":" comments carry nothing the event record does not.
        }
    }

    public static T Deserialize<T>(string body, JsonTypeInfo<T> typeInfo) => Checked(() => JsonSerializer.Deserialize(body, typeInfo));

    /// <summary>A record already parsed as JSON (e.g. one session of a list page) as <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(JsonElement element, JsonTypeInfo<T> typeInfo) => Checked(() => element.Deserialize(typeInfo));

    private static T Checked<T>(Func<T?> deserialize)
    {
        try
        {
            return deserialize() ?? throw new CliException("bad_response", $"the daemon answered an empty {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            throw new CliException("bad_response", $"the daemon's answer is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    private static T? TryDeserialize<T>(string body, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Opens a streamed GET (see <see cref="ReachDaemonAsync"/> for failures).</summary>
    private Task<HttpStreamResponse> OpenStreamAsync(string path, CancellationToken ct) =>
        ReachDaemonAsync(() => Transport.OpenStreamAsync(path, "text/event-stream", ct), ct);

    /// <summary>
    /// One exchange with the daemon. When its socket refuses the connection (nothing was sent), <see cref="Recover"/>
    /// may start it once and the exchange is tried again; a request that reached the daemon is never repeated.
    /// Every other I/O failure is <c>daemon_unreachable</c>.
    /// </summary>
    private async Task<T> ReachDaemonAsync<T>(Func<Task<T>> attempt, CancellationToken ct)
    {
        var recovered = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await attempt();
            }
            catch (UnixHttp.ConnectFailedException e) when (!recovered && Recover is { } recover)
            {
                recovered = true;
                if (!await recover(ct))
                {
                    throw CliException.Unreachable($"daemon not reachable at {SocketPath}: {e.Message}");
                }
            }
            catch (UnixHttp.ConnectFailedException e)
            {
                throw CliException.Unreachable($"daemon not reachable at {SocketPath}: {e.Message}");
            }
            catch (IOException e)
            {
                throw CliException.Unreachable($"daemon at {SocketPath} did not answer: {e.Message}");
            }
        }
    }

    private static CliException ErrorFrom(int status, string body)
    {
        ErrorEnvelope? envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize(body, CovenJsonContext.Default.ErrorEnvelope);
        }
        catch (JsonException)
        {
        }

        if (envelope?.Error is { } error)
        {
            var lines = new List<string>();
            if (error.Details is { } details && details.TryGetValue("allowedActions", out var allowed) && allowed is JsonElement { ValueKind: JsonValueKind.Array } arr)
            {
                lines.Add("allowed actions: " + string.Join(", ", arr.EnumerateArray().Select(a => a.GetString())));
            }

            // Worktree merges: the conflicting paths, or the user's dirty paths the session also changed.
            foreach (var (key, label) in (ReadOnlySpan<(string, string)>)[("conflicts", "conflict"), ("paths", "dirty")])
            {
                if (error.Details is { } d && d.TryGetValue(key, out var v) && v is JsonElement { ValueKind: JsonValueKind.Array } paths)
                {
                    lines.AddRange(paths.EnumerateArray().Select(p => $"  {label}: {p.GetString()}"));
                }
            }

            return new CliException(error.Code, error.Message, detailLines: lines);
        }

        var code = status == 404 ? "not_found" : "http_" + status;
        return new CliException(code, $"the daemon answered HTTP {status}");
    }
}

/// <summary>The request methods the CLI uses (System.Net.Http's HttpMethod would bring HttpClient's assembly along).</summary>
internal static class HttpVerb
{
    public const string Get = "GET";
    public const string Post = "POST";
    public const string Delete = "DELETE";
}
