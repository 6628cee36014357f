namespace Coven.Core.Api;

/// <summary>Result of <c>~broadcast</c>: one entry per live session targeted, and no others.</summary>
public sealed record BroadcastResponse
{
    public required string ProjectRoot { get; init; }

    /// <summary>Familiar names targeted; empty for <c>*</c>.</summary>
    public required IReadOnlyList<string> Familiars { get; init; }

    public required int Delivered { get; init; }
    public required IReadOnlyList<BroadcastResultDto> Results { get; init; }
}
