namespace Coven.Core;

/// <summary>COVEN_HOME/harnesses.json: <c>{"harnesses": [{"id", "label", "executable", "args", "promptArgs", "modelArgs", "resumeArgs", "resumeConversationArgs", "conversationArgs"}]}</c>.</summary>
public sealed record HarnessConfigFile
{
    public IReadOnlyList<HarnessConfigEntry>? Harnesses { get; init; }
}
