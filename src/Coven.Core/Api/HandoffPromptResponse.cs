namespace Coven.Core.Api;

/// <summary><c>GET /api/v1/sessions/{id}/handoff?format=prompt</c>: the handoff rendered as a prompt.</summary>
public sealed record HandoffPromptResponse
{
    public bool Untrusted { get; init; } = true;
    public required string SessionId { get; init; }

    /// <summary>Begins with a warning that what follows is untrusted context from another agent.</summary>
    public required string Prompt { get; init; }
}
