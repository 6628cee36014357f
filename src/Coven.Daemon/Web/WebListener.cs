using System.Net;
using System.Net.Sockets;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Coven.Daemon.Web;

/// <summary>
/// The cockpit's loopback listener: a second Kestrel on 127.0.0.1 that serves the embedded page and forwards
/// <c>/api/v1</c> requests, after <see cref="WebGuard"/>, to the daemon's own Unix socket. Forwarding (rather than
/// a second set of handlers) keeps one authority: every request the page makes is a socket request, checked
/// and answered by exactly the code every other client meets.
/// </summary>
internal sealed class WebListener : IAsyncDisposable
{
    // Request headers a page may send on to the API, and answer headers it gets back.
    private static readonly string[] s_forwardedRequest = ["Content-Type", "Last-Event-ID", "Accept"];
    private static readonly string[] s_forwardedResponse = ["Cache-Control", "Retry-After", "X-Accel-Buffering"];

    private readonly WebApplication _app;
    private readonly HttpClient _socket;

    private WebListener(WebApplication app, HttpClient socket, WebGuard guard, int port)
    {
        _app = app;
        _socket = socket;
        Guard = guard;
        Port = port;
    }

    public WebGuard Guard { get; }
    public int Port { get; }
    public string Origin => "http://127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0: any free port); throws <see cref="IOException"/> when it is taken.</summary>
    public static async Task<WebListener> StartAsync(string socketPath, int port, string token, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1 << 20;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        var socket = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = (_, cancel) => Net.UnixSocketConnector.ConnectAsync(socketPath, cancel),
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = new Uri("http://coven/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

        WebListener? listener = null;
        app.Run(async context =>
        {
            try
            {
                if (listener is null)
                {
                    await ApiResult.Error(503, ErrorCodes.Unavailable, "the cockpit is starting; retry.").ExecuteAsync(context);
                    return;
                }

                await listener.HandleAsync(context);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
            {
                // The browser went away (a closed terminal pane ends its stream).
            }
        });
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            socket.Dispose();
            await app.DisposeAsync();
            throw new IOException(e.Message, e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address).Port;
        listener = new WebListener(app, socket, new WebGuard(token, WebGuard.NewSecret(), bound), bound);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _socket.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var headers = response.Headers;
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";

        // xterm.js sets inline styles on its rows, so style-src needs 'unsafe-inline'; scripts come only from here.
        headers["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        var path = request.Path.Value ?? "/";
        var exchanging = path == "/" && request.Query.ContainsKey("token") && HttpMethods.IsGet(request.Method);
        if (Guard.Check(request, exchanging) is { } refusal)
        {
            await ApiResult.Error(refusal.Status, refusal.Code, refusal.Message).ExecuteAsync(context);
            return;
        }

        if (exchanging)
        {
            if (!Guard.TokenMatches(request.Query["token"].ToString()))
            {
                await ApiResult.Error(401, ErrorCodes.WebUnauthorized, "the token is not this cockpit's (it changes at every start): run `coven web` again.").ExecuteAsync(context);
                return;
            }

            // The token leaves the address bar at once: the browser keeps only the cookie, which scripts cannot read.
            response.Cookies.Append(Guard.CookieName, Guard.CookieValue, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            // Not a 303: a redirect keeps the chain's cross-site origin (a page opened from a file) and a Strict cookie
            // would not travel with it; a refresh from this origin's own document does.
            headers.CacheControl = "no-store";
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync("<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=/\"><title>Coven</title><a href=\"/\">Coven cockpit</a>", context.RequestAborted);
            return;
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // Forwarded re-encoded as it was checked here; no dot segment may reach the socket's router.
            if (path.Contains("/.", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
            {
                await ApiErrors.InvalidRequest($"bad path {ApiErrors.Printable(path)}.").ExecuteAsync(context);
                return;
            }

            if (path.StartsWith("/api/v1/web", StringComparison.Ordinal))
            {
                await ApiResult.Error(403, ErrorCodes.WebForbidden, "the cockpit's listener is managed over the Unix socket only (`coven web`).").ExecuteAsync(context);
                return;
            }

            await ForwardAsync(context);
            return;
        }

        if (path == "/web/streams" && HttpMethods.IsGet(request.Method))
        {
            await WebStreams.ServeAsync(context, _socket);
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            await ApiResult.Error(405, ErrorCodes.MethodNotAllowed, $"{request.Method} is not allowed on {ApiErrors.Printable(path)}.").ExecuteAsync(context);
            return;
        }

        var name = path == "/" ? "index.html" : path.StartsWith("/assets/", StringComparison.Ordinal) ? path["/assets/".Length..] : null;
        if (name is null || !WebAssets.TryGet(name, out var bytes, out var type))
        {
            await ApiResult.Error(404, ErrorCodes.NotFound, $"no page {ApiErrors.Printable(path)}.").ExecuteAsync(context);
            return;
        }

        headers.CacheControl = "no-cache";
        response.ContentType = type;
        response.ContentLength = bytes.Length;
        if (HttpMethods.IsGet(request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    /// <summary>The request as a socket request; the answer streamed back (server-sent events flush as they come).</summary>
    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.ToUriComponent().TrimStart('/') + request.QueryString.ToUriComponent());
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var name in s_forwardedRequest)
        {
            if (request.Headers.TryGetValue(name, out var value) && !forward.Headers.TryAddWithoutValidation(name, value.ToString()))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, value.ToString());
            }
        }

        HttpResponseMessage answer;
        try
        {
            answer = await _socket.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            await ApiResult.Error(503, ErrorCodes.Unavailable, "the daemon's socket did not answer: " + e.Message).ExecuteAsync(context);
            return;
        }

        using (answer)
        {
            var response = context.Response;
            response.StatusCode = (int)answer.StatusCode;
            if (answer.Content.Headers.ContentType is { } contentType)
            {
                response.ContentType = contentType.ToString();
            }

            foreach (var name in s_forwardedResponse)
            {
                if (answer.Headers.TryGetValues(name, out var values))
                {
                    response.Headers[name] = string.Join(", ", values);
                }
            }

            // A stream's headers go out at once (an EventSource is open when they arrive), not with its first event.
            if (answer.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                await response.StartAsync(ct);
            }

            await using var body = await answer.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[16384];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                await response.Body.FlushAsync(ct);
            }
        }
    }
}
