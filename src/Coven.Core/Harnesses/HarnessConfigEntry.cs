namespace Coven.Core;

/// <summary>One registered harness in harnesses.json.</summary>
public sealed record HarnessConfigEntry
{
    public string? Id { get; init; }
    public string? Label { get; init; }
    public string? Executable { get; init; }
    public IReadOnlyList<string>? Args { get; init; }
    public IReadOnlyList<string>? PromptArgs { get; init; }
    public IReadOnlyList<string>? ModelArgs { get; init; }
    public IReadOnlyList<string>? ResumeArgs { get; init; }
    public IReadOnlyList<string>? ResumeConversationArgs { get; init; }
    public IReadOnlyList<string>? ConversationArgs { get; init; }

    /// <summary>Output quiet this long means the agent is idle (docs/attention.md); default 3000.</summary>
    public int? IdleAfterMs { get; init; }

    /// <summary>Regexes over the screen text that mean the agent waits for the user (docs/attention.md).</summary>
    public IReadOnlyList<string>? WaitingPatterns { get; init; }

    /// <summary>
    /// The activities the harness reports itself through <c>$COVEN_ACTIVITY_HOOK hook report ACTIVITY</c> (docs/attention.md);
    /// once it has, the fallback leaves those to it.
    /// </summary>
    public IReadOnlyList<string>? ActivitySignals { get; init; }
}
