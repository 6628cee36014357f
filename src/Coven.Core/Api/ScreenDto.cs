namespace Coven.Core.Api;

public sealed record ScreenCursorDto(int Row, int Col, bool Visible);

public sealed record ScreenDto
{
    public int Cols { get; init; }
    public int Rows { get; init; }
    public required ScreenCursorDto Cursor { get; init; }
    public bool AltScreen { get; init; }
    public string Title { get; init; } = string.Empty;
    public required IReadOnlyList<string> Lines { get; init; }
}
