using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Api;

/// <summary>
/// The client side of api.md: HTTP/1.1 over the daemon's Unix socket. Every failure surfaces as a
/// <see cref="CliException"/> carrying the API's stable error code; a socket that does not answer is
/// <c>daemon_unreachable</c>.
/// </summary>
internal sealed class CovenClient : IDisposable
{
    private readonly Lazy<HttpClient> _http;
    private readonly int _receiveTimeoutMs;

    /// <param name="timeout">How long one answer may take (a socket receive timeout; default 120 s: launches wait for the lane).</param>
    public CovenClient(string socketPath, TimeSpan? timeout = null)
    {
        SocketPath = socketPath;
        var receiveTimeout = (int)(timeout ?? TimeSpan.FromSeconds(120)).TotalMilliseconds;
        _receiveTimeoutMs = receiveTimeout;
        _http = new Lazy<HttpClient>(() => CreateHttpClient(socketPath, receiveTimeout));
    }

    private static HttpClient CreateHttpClient(string socketPath, int receiveTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,

            // Infinite pool lifetimes: otherwise the pool starts a cleaning timer (and the timer thread) at once.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,

            // A Unix socket connects at once or not at all, so connect synchronously: with the synchronous Send
            // below, a command then runs on the main thread alone (no thread-pool hand-offs, which cost more than
            // the request on a loaded 2-core machine).
            ConnectCallback = (_, _) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = receiveTimeout };
                try
                {
                    socket.Connect(new UnixDomainSocketEndPoint(socketPath));
                    return ValueTask.FromResult<Stream>(new NetworkStream(socket, ownsSocket: true));
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw new DaemonConnectException(e);
                }
            },
        };

        // No HttpClient timeout: its timer would start a timer thread; the socket receive timeout bounds waits
        // of the synchronous requests, and streams are ended by the daemon, a signal, or the heartbeat gap.
        return new HttpClient(handler)
        {
            BaseAddress = new Uri("http://coven/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string SocketPath { get; }

    /// <summary>
    /// Called once when the daemon's socket refuses a connection (nothing was sent): returns true after starting
    /// the daemon, and the request is then sent again. A request that reached the daemon is never repeated.
    /// </summary>
    public Func<CancellationToken, Task<bool>>? Recover { get; set; }

    public Task<HealthResponse> HealthAsync(CancellationToken ct) =>
        GetAsync("api/v1/health", CovenJsonContext.Default.HealthResponse, ct);

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        var body = await SendAsync(HttpMethod.Get, path, null, ct);
        return Deserialize(body, typeInfo);
    }

    public async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        var body = await SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(request, requestType), ct);
        return Deserialize(body, responseType);
    }

    /// <summary>Sends a request and returns the body of a successful answer; an error answer throws.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken ct)
    {
        var recovered = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var (status, body) = UnixHttp.Exchange(SocketPath, method.Method, path, jsonBody, _receiveTimeoutMs);
                if (status is < 200 or > 299)
                {
                    throw ErrorFrom((HttpStatusCode)status, body);
                }

                return body;
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
            catch (Exception e) when (e is IOException or SocketException)
            {
                throw CliException.Unreachable($"daemon at {SocketPath} did not answer: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Follows <c>GET /api/v1/sessions/{id}/stream?afterSeq=N</c> (server-sent events). Ends when the server
    /// ends the stream; a dropped connection ends it too, and the caller decides whether to reconnect.
    /// </summary>
    public async IAsyncEnumerable<EventDto> StreamAsync(string sessionId, long afterSeq, [EnumeratorCancellation] CancellationToken ct)
    {
        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/sessions/{Uri.EscapeDataString(sessionId)}/stream?afterSeq={afterSeq}");
            request.Headers.Accept.ParseAdd("text/event-stream");
            return request;
        }

        using var response = await SendCoreAsync(Build, HttpCompletionOption.ResponseHeadersRead, synchronous: false, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw ErrorFrom(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
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
            catch (HttpRequestException)
            {
                yield break;
            }

            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var evt = TryDeserialize(data.ToString(), CovenJsonContext.Default.EventDto);
                    data.Clear();
                    if (evt is not null)
                    {
                        yield return evt;
                    }
                }

                continue;
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

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    public static T Deserialize<T>(string body, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo)
                ?? throw new CliException("bad_response", $"the daemon answered an empty {typeof(T).Name}");
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

    private async Task<HttpResponseMessage> SendCoreAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, bool synchronous, CancellationToken ct)
    {
        var recovered = false;
        while (true)
        {
            using var request = build();
            try
            {
                return synchronous ? _http.Value.Send(request, completion, ct) : await _http.Value.SendAsync(request, completion, ct);
            }
            catch (HttpRequestException e) when (e.InnerException is DaemonConnectException && !recovered && Recover is { } recover)
            {
                recovered = true;
                if (!await recover(ct))
                {
                    throw CliException.Unreachable($"daemon not reachable at {SocketPath}: {Innermost(e).Message}");
                }
            }
            catch (HttpRequestException e)
            {
                throw CliException.Unreachable($"daemon not reachable at {SocketPath}: {Innermost(e).Message}");
            }
            catch (IOException e)
            {
                throw CliException.Unreachable($"daemon at {SocketPath} did not answer: {e.Message}");
            }
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static CliException ErrorFrom(HttpStatusCode status, string body)
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

            return new CliException(error.Code, error.Message, detailLines: lines);
        }

        var code = status == HttpStatusCode.NotFound ? "not_found" : "http_" + (int)status;
        return new CliException(code, $"the daemon answered {(int)status} {status}");
    }

    /// <summary>The socket did not accept the connection: nothing was sent, so the request may be retried.</summary>
    private sealed class DaemonConnectException(SocketException inner) : IOException(inner.Message, inner);
}
