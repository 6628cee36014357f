using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Coven.Daemon.Api;

/// <summary>Reads a request body as one JSON document of a contract type, or explains why it is not one.</summary>
internal static class JsonBody
{
    /// <summary>
    /// The body as <typeparamref name="T"/>; an empty body gives <paramref name="whenEmpty"/> (null = refused).
    /// Oversized bodies surface as Kestrel's BadHttpRequestException (413), mapped by the error middleware.
    /// </summary>
    public static async Task<(T? Value, ApiResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, T? whenEmpty, CancellationToken cancellationToken)
        where T : class
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || IsWhitespace(buffer))
        {
            return whenEmpty is not null ? (whenEmpty, null) : (null, ApiErrors.InvalidRequest("a JSON request body is required."));
        }

        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo, whenEmpty);
    }

    /// <summary>Parses an already-read document (used for <c>args</c> of control-plane actions).</summary>
    public static (T? Value, ApiResult? Error) Parse<T>(JsonElement? element, JsonTypeInfo<T> typeInfo, T? whenEmpty)
        where T : class
    {
        if (element is not { } e || e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return whenEmpty is not null ? (whenEmpty, null) : (null, ApiErrors.InvalidRequest("args are required for this action."));
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, ApiErrors.InvalidRequest("args must be a JSON object."));
        }

        try
        {
            var value = e.Deserialize(typeInfo);
            return value is null ? (null, ApiErrors.InvalidRequest("args must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.InvalidRequest("invalid args: " + Describe(ex)));
        }
    }

    private static (T? Value, ApiResult? Error) Parse<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> typeInfo, T? whenEmpty)
        where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, ApiErrors.InvalidRequest("the request body must be a JSON object."));
            }

            var value = JsonSerializer.Deserialize(utf8, typeInfo);
            return value is null ? (whenEmpty, whenEmpty is null ? ApiErrors.InvalidRequest("the request body must be a JSON object.") : null) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.InvalidRequest("malformed JSON: " + Describe(ex)));
        }
    }

    private static string Describe(JsonException ex) =>
        ex.Path is { Length: > 0 } path ? $"{path}: {FirstLine(ex.Message)}" : FirstLine(ex.Message);

    private static string FirstLine(string message)
    {
        var i = message.IndexOf(". Path", StringComparison.Ordinal);
        return i > 0 ? message[..(i + 1)] : message;
    }

    private static bool IsWhitespace(MemoryStream buffer)
    {
        foreach (var b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
