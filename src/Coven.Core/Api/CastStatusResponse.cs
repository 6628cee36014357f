namespace Coven.Core.Api;

/// <summary>Result of <c>~?</c> and <c>~?NAME</c>: sessions grouped by familiar, or one session.</summary>
public sealed record CastStatusResponse
{
    public string? ProjectRoot { get; init; }

    /// <summary>The project's active familiar, when the status covers a project.</summary>
    public string? Active { get; init; }

    public required IReadOnlyList<FamiliarGroupDto> Groups { get; init; }

    /// <summary>Set for <c>~?ID-PREFIX</c>.</summary>
    public SessionDto? Session { get; init; }
}
