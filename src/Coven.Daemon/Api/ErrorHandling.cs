using Coven.Core.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Logging;

namespace Coven.Daemon.Api;

/// <summary>
/// The error envelope for everything the handlers did not answer themselves: Kestrel's bad requests (413 for an
/// oversized body), unknown routes, wrong methods and unhandled exceptions (500 with a logged correlation id).
/// </summary>
internal sealed partial class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger, StoreStatus storeStatus)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            // A request waits a few seconds for a locked store, then gets 503 store_busy (it may retry).
            using (Coven.Store.CovenStore.RequestScope(StoreStatus.RequestWait))
            {
                await next(context);
            }
        }
        catch (Exception e) when (StoreStatus.Classify(e, out var sqlite) is { } state && !context.Response.HasStarted)
        {
            storeStatus.Failed(state, sqlite!.Message);
            LogStoreFailure(context.Request.Method, context.Request.Path.Value ?? string.Empty, state, sqlite.Message);
            context.Response.Clear();
            if (state == "busy")
            {
                context.Response.Headers.RetryAfter = "1";
                await ApiResult.Error(503, ErrorCodes.StoreBusy, "the store is locked by another writer; retry shortly (nothing was changed by this request unless a later read shows it).", new() { ["retryAfterSeconds"] = 1 })
                    .ExecuteAsync(context);
            }
            else
            {
                await ApiResult.Error(507, ErrorCodes.StoreFull, "the store's disk is full; free space in COVEN_HOME and retry.", null).ExecuteAsync(context);
            }

            return;
        }
        catch (BadHttpRequestException e)
        {
            if (context.Response.HasStarted)
            {
                throw;
            }

            LogBadRequest(e.StatusCode, e.Message);
            context.Response.Clear();
            var result = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ApiErrors.PayloadTooLarge("the request body is larger than 1 MiB.")
                : ApiErrors.InvalidRequest("bad request: " + e.Message);
            await result.ExecuteAsync(context);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            var correlationId = Guid.NewGuid().ToString("N")[..12];
            LogUnhandled(context.Request.Method, context.Request.Path.Value ?? string.Empty, correlationId, e);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            await ApiResult.Error(500, ErrorCodes.Internal, "internal error; see covend.log for correlation id " + correlationId + ".", new() { ["correlationId"] = correlationId })
                .ExecuteAsync(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && context.Response.StatusCode < 500)
        {
            storeStatus.Succeeded();
        }

        if (!context.Response.HasStarted && context.Response.ContentLength is null && context.Response.ContentType is null)
        {
            switch (context.Response.StatusCode)
            {
                case StatusCodes.Status404NotFound:
                    await ApiResult.Error(404, ErrorCodes.NotFound, $"no route {context.Request.Method} {ApiErrors.Printable(context.Request.Path.Value)}.").ExecuteAsync(context);
                    break;
                case StatusCodes.Status405MethodNotAllowed:
                    await ApiResult.Error(405, ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {ApiErrors.Printable(context.Request.Path.Value)}.").ExecuteAsync(context);
                    break;
                case StatusCodes.Status413PayloadTooLarge:
                    await ApiErrors.PayloadTooLarge("the request body is larger than 1 MiB.").ExecuteAsync(context);
                    break;
                case StatusCodes.Status400BadRequest:
                    await ApiErrors.InvalidRequest("bad request.").ExecuteAsync(context);
                    break;
                case >= 500:
                    await ApiResult.Error(context.Response.StatusCode, ErrorCodes.Internal, "internal error.").ExecuteAsync(context);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = EventIds.UnhandledException, Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path} (correlation id {CorrelationId})")]
    private partial void LogUnhandled(string method, string path, string correlationId, Exception exception);

    [LoggerMessage(EventId = EventIds.StoreFailure, Level = LogLevel.Warning, Message = "{Method} {Path}: store {State}: {Message}")]
    private partial void LogStoreFailure(string method, string path, string state, string message);

    [LoggerMessage(EventId = EventIds.BadRequest, Level = LogLevel.Debug, Message = "Bad request ({StatusCode}): {Message}")]
    private partial void LogBadRequest(int statusCode, string message);
}
