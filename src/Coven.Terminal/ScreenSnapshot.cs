namespace Coven.Terminal;

/// <summary>
/// The visible screen at one moment: one string per row (trailing spaces trimmed, wide characters
/// once, combining marks after their base character) plus cursor and mode state.
/// </summary>
public sealed record ScreenSnapshot(
    int Columns,
    int Rows,
    int CursorRow,
    int CursorColumn,
    bool CursorVisible,
    bool AltScreen,
    string Title,
    IReadOnlyList<string> Lines);
