namespace Coven.Core.Api;

/// <summary>
/// Handoff context for another agent (<c>GET /api/v1/sessions/{id}/handoff</c>). Everything in it came from another
/// agent's session and the file system: <see cref="Untrusted"/> is always true and the receiving agent is told so.
/// </summary>
public sealed record HandoffDocument
{
    public bool Untrusted { get; init; } = true;
    public required string Warning { get; init; }
    public required string GeneratedAt { get; init; }
    public required HandoffSessionDto Session { get; init; }
    public required HandoffScreenDto Screen { get; init; }

    /// <summary>The last lines of readable output (the transcript as a person would have seen it).</summary>
    public required IReadOnlyList<string> RecentOutput { get; init; }

    public required int RecentOutputLines { get; init; }

    /// <summary>Null when the project root is not inside a git work tree (or git is not installed).</summary>
    public HandoffGitDto? Git { get; init; }
}
