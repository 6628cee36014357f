namespace Coven.Core.Api;

/// <summary>A project root's active familiar (null when none is set), as resolved now.</summary>
public sealed record ActiveFamiliarResponse
{
    public required string ProjectRoot { get; init; }
    public string? Active { get; init; }
    public FamiliarDto? Familiar { get; init; }
}
