using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Daemon.Api;

/// <summary>
/// A status code and a JSON body written with the source-generated contracts. Every handler returns one, so the
/// direct routes and <c>POST /api/v1/actions</c> answer with exactly the same status and body.
/// </summary>
internal sealed class ApiResult : IResult
{
    private readonly Func<Utf8JsonWriter, bool>? _write;

    private ApiResult(int statusCode, Func<Utf8JsonWriter, bool>? write)
    {
        StatusCode = statusCode;
        _write = write;
    }

    public int StatusCode { get; }

    /// <summary>The error code when this is an error (for logs and tests).</summary>
    public string? ErrorCode { get; private init; }

    public static ApiResult Json<T>(int statusCode, T body, JsonTypeInfo<T> typeInfo) =>
        new(statusCode, w =>
        {
            JsonSerializer.Serialize(w, body, typeInfo);
            return true;
        });

    public static ApiResult Ok<T>(T body, JsonTypeInfo<T> typeInfo) => Json(StatusCodes.Status200OK, body, typeInfo);

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);

    public static ApiResult Error(int statusCode, string code, string message, Dictionary<string, object?>? details = null)
    {
        var envelope = new ErrorEnvelope(new ApiError { Code = code, Message = message, Details = details is { Count: > 0 } ? details : null });
        return new ApiResult(statusCode, w =>
        {
            JsonSerializer.Serialize(w, envelope, CovenJsonContext.Default.ErrorEnvelope);
            return true;
        })
        { ErrorCode = code };
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (_write is null)
        {
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            _write(writer);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
