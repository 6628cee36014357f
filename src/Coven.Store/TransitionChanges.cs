using Coven.Core;

namespace Coven.Store;

/// <summary>Columns a transition sets besides the status (exit information, why it ended).</summary>
public sealed record TransitionChanges
{
    public ExitStatus? Exit { get; init; }
    public EndReason? EndReason { get; init; }
    public string? Message { get; init; }

    /// <summary>The working directory actually used (the lane resolves it at spawn time); null keeps the recorded one.</summary>
    public string? Cwd { get; init; }

    /// <summary>Free text for the lifecycle event's <c>reason</c>.</summary>
    public string? Reason { get; init; }

    public static TransitionChanges None { get; } = new();
}
