using Coven.Core;

namespace Coven.Store;

/// <summary>What happened when a trigger was fired against a stored session.</summary>
public sealed record TransitionResult
{
    public required TransitionOutcome Outcome { get; init; }
    public TransitionDecision? Decision { get; init; }

    /// <summary>The session after the attempt (null when not found or sacrificed).</summary>
    public SessionRecord? Session { get; init; }

    /// <summary>For Sacrifice: how many events were deleted with the row.</summary>
    public long EventsDeleted { get; init; }

    public bool Applied => Outcome == TransitionOutcome.Applied;
}
