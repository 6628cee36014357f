namespace Coven.Core;

/// <summary>
/// The outcome of asking the lifecycle machine to fire a trigger: either permitted (with the target status;
/// <see cref="IsInternal"/> when the state does not change) or rejected with the current status and what is allowed.
/// </summary>
public sealed record TransitionDecision
{
    public required bool Permitted { get; init; }
    public required SessionStatus From { get; init; }
    public required SessionStatus To { get; init; }
    public required SessionTrigger Trigger { get; init; }
    public bool IsInternal => Permitted && From == To;

    /// <summary>Actions permitted in <see cref="From"/> (for the 409 details and for <c>allowedActions</c>).</summary>
    public required IReadOnlyList<string> AllowedActions { get; init; }
}
