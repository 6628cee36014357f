namespace Coven.Core.Api;

/// <summary>Body of <c>POST /api/v1/familiars</c>: defines (or redefines) a user familiar.</summary>
public sealed record FamiliarRequest
{
    public string? Name { get; init; }
    public string? Harness { get; init; }
    public string? Model { get; init; }
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Additive: its sessions run in a git worktree by default.</summary>
    public bool? Worktree { get; init; }
}
