using System.Text.Json;

namespace Coven.Core.Api;

/// <summary>
/// Answer of <c>POST /api/v1/cast</c>: the parsed intent, the action it mapped to and that action's own answer body
/// (the HTTP status is the action's status too).
/// </summary>
public sealed record CastResponse
{
    public required CastIntentDto Cast { get; init; }
    public required string Action { get; init; }
    public JsonElement? Result { get; init; }
}
