namespace Coven.Core.Api;

/// <summary>
/// The session's screen: from the live lane (<c>source: "lane"</c>) or re-rendered from the recorded output
/// (<c>source: "transcript"</c>).
/// </summary>
public sealed record HandoffScreenDto
{
    public required string Source { get; init; }
    public int Cols { get; init; }
    public int Rows { get; init; }
    public bool AltScreen { get; init; }
    public required IReadOnlyList<string> Lines { get; init; }
}
