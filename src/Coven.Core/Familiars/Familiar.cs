namespace Coven.Core;

/// <summary>
/// A named agent identity the user defines: a harness plus optional model and extra harness arguments
/// (<c>scout</c> = claude, <c>builder</c> = codex --model X). Built-in harness ids are also valid familiar names.
/// </summary>
public sealed record Familiar
{
    public required string Name { get; init; }
    public required string Harness { get; init; }
    public string? Model { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public bool BuiltIn { get; init; }

    /// <summary>Its sessions run in their own git worktree unless the launch says <c>worktree: false</c> (issue 17).</summary>
    public bool Worktree { get; init; }

    /// <summary>The implicit familiar of a built-in harness (its name is the harness id).</summary>
    public static Familiar ForHarness(string harness) => new() { Name = harness, Harness = harness, BuiltIn = true };
}
