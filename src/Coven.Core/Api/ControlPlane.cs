using System.Text.Json;

namespace Coven.Core.Api;

public sealed record CapabilityDto
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public string? OwningAdapter { get; init; }

    /// <summary>available | planned | disabled | missing_setup</summary>
    public required string Status { get; init; }

    public string? PolicyHint { get; init; }
    public required IReadOnlyList<string> ActionIds { get; init; }

    /// <summary>Additive, harness entries only: the executable the daemon resolves on its own PATH (null when not found).</summary>
    public string? Executable { get; init; }
}

public sealed record CapabilitiesResponse(IReadOnlyList<CapabilityDto> Capabilities);

public sealed record ActionRequest
{
    public string? Action { get; init; }
    public string? SessionId { get; init; }
    public JsonElement? Args { get; init; }
}
