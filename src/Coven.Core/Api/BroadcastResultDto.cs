namespace Coven.Core.Api;

/// <summary>What one session of a broadcast answered: the input route's status and, on failure, its error.</summary>
public sealed record BroadcastResultDto
{
    public required string SessionId { get; init; }
    public required string Familiar { get; init; }
    public required bool Delivered { get; init; }
    public required int Status { get; init; }
    public ApiError? Error { get; init; }
}
