namespace Coven.Core.Cast;

/// <summary>
/// A parsed Cast Code: an intent, never an authorization. The daemon maps it to an action and validates that
/// action exactly as if it had been requested directly.
/// </summary>
public sealed record CastCode
{
    public required CastKind Kind { get; init; }

    /// <summary>Familiar name (Switch, Delegate, Handoff's <c>to:</c>) or status target (Status).</summary>
    public string? Name { get; init; }

    /// <summary>Broadcast targets; empty means every live session of the project (<c>*</c>).</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Task (Delegate) or text (Broadcast).</summary>
    public string? Text { get; init; }

    /// <summary>Session id or id prefix (Resume, Handoff).</summary>
    public string? Session { get; init; }
}
