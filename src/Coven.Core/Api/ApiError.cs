namespace Coven.Core.Api;

/// <summary>The error envelope of docs/api.md: <c>{"error": {"code", "message", "details"}}</c>.</summary>
public sealed record ErrorEnvelope(ApiError Error);

public sealed record ApiError
{
    public required string Code { get; init; }
    public required string Message { get; init; }
    /// <summary>Omitted from the wire when there are none (docs/api.md).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object?>? Details { get; init; }
}
