namespace Coven.Core.Api;

public sealed record FamiliarDto
{
    public required string Name { get; init; }
    public required string Harness { get; init; }
    public string? Model { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public bool BuiltIn { get; init; }

    /// <summary>Additive: sessions of this familiar run in a git worktree by default (<c>coven run --no-worktree</c> opts out).</summary>
    public bool Worktree { get; init; }

    public static FamiliarDto From(Familiar f) => new() { Name = f.Name, Harness = f.Harness, Model = f.Model, Args = f.Args, BuiltIn = f.BuiltIn, Worktree = f.Worktree };
}

/// <summary><c>GET /api/v1/familiars[?projectRoot=]</c>; <c>active</c> is that root's active familiar (additive fields).</summary>
public sealed record FamiliarsResponse(IReadOnlyList<FamiliarDto> Familiars, string? ProjectRoot = null, string? Active = null);
