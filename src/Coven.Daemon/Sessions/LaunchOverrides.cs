using Coven.Core;

namespace Coven.Daemon.Sessions;

/// <summary>
/// What a resume adds to an ordinary launch: the harness's own resume argv instead of a prompt, the familiar the old
/// session was launched as (and its extra arguments), and the link to the old session.
/// </summary>
internal sealed record LaunchOverrides
{
    public required SessionId ResumedFrom { get; init; }
    public string? Familiar { get; init; }
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The old session's own conversation id; null when unknown (the harness then continues its latest one).</summary>
    public string? ConversationId { get; init; }
}
