using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;

namespace Coven.Daemon.Web;

/// <summary>
/// The web cockpit's one listener, off until <c>POST /api/v1/web</c> starts it (docs/web.md). A start while it
/// runs answers the running listener (same URL and token); a stop removes the token file, and the next start
/// makes a new token. Stopped with the daemon (disposed by the container).
/// </summary>
internal sealed partial class WebCockpit(DaemonOptions options, TimeProvider time, ILogger<WebCockpit> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebListener? _listener;
    private DateTimeOffset _startedAt;

    /// <summary>COVEN_HOME/web.token (0600): the current token, for tools that open the cockpit themselves.</summary>
    public string TokenFile => Path.Combine(options.Paths.Home, "web.token");

    public WebStatusResponse Status()
    {
        var listener = _listener;
        return listener is null
            ? new WebStatusResponse(false, null, null, null, null, null, WebAssets.Built)
            : new WebStatusResponse(true, listener.Origin + "/?token=" + listener.Guard.Token, listener.Origin, listener.Port, TokenFile, Timestamps.Of(_startedAt), WebAssets.Built);
    }

    public async Task<ApiResult> StartAsync(int? port, CancellationToken ct)
    {
        if (!WebAssets.Built)
        {
            return ApiResult.Error(503, ErrorCodes.WebAssetsMissing, "the web cockpit's assets were not built into this covend (npm was missing or `npm ci` failed when it was built); install Node.js/npm and rebuild.");
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_listener is { } running)
            {
                return port is { } asked && asked != running.Port
                    ? ApiResult.Error(409, ErrorCodes.WebPortInUse, $"the cockpit already listens on port {running.Port}; stop it first (`coven web --stop`).", new() { ["port"] = running.Port })
                    : ApiResult.Ok(Status(), CovenJsonContext.Default.WebStatusResponse);
            }

            var token = WebGuard.NewSecret();
            try
            {
                _listener = await WebListener.StartAsync(options.Paths.Socket, port ?? 0, token, ct);
            }
            catch (IOException e)
            {
                return ApiResult.Error(409, ErrorCodes.WebPortInUse, $"cannot listen on 127.0.0.1:{port ?? 0}: {e.Message}", new() { ["port"] = port ?? 0 });
            }

            _startedAt = time.GetUtcNow();
            WriteToken(token);
            LogStarted(logger, _listener.Origin);
            return ApiResult.Ok(Status(), CovenJsonContext.Default.WebStatusResponse);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ApiResult> StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StopListenerAsync();
            return ApiResult.Ok(Status(), CovenJsonContext.Default.WebStatusResponse);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListenerAsync();
        _gate.Dispose();
    }

    private async Task StopListenerAsync()
    {
        if (_listener is { } listener)
        {
            _listener = null;
            File.Delete(TokenFile);
            await listener.DisposeAsync();
            LogStopped(logger, listener.Origin);
        }
    }

    private void WriteToken(string token)
    {
        File.Delete(TokenFile);
        using var file = new FileStream(TokenFile, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        file.Write(System.Text.Encoding.ASCII.GetBytes(token + "\n"));
    }

    [LoggerMessage(EventId = Logging.EventIds.WebStarted, Level = LogLevel.Information, Message = "web cockpit listening on {Origin}")]
    private static partial void LogStarted(ILogger logger, string origin);

    [LoggerMessage(EventId = Logging.EventIds.WebStopped, Level = LogLevel.Information, Message = "web cockpit on {Origin} stopped")]
    private static partial void LogStopped(ILogger logger, string origin);
}
