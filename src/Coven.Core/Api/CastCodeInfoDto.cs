namespace Coven.Core.Api;

/// <summary>One entry of the Cast Code catalog (<c>GET /api/v1/cast-codes</c>).</summary>
public sealed record CastCodeInfoDto
{
    public required string Code { get; init; }
    public required string Kind { get; init; }
    public required string Description { get; init; }
    public required string Action { get; init; }
    public required IReadOnlyList<string> Examples { get; init; }
}
