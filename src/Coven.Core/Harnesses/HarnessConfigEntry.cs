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
}
