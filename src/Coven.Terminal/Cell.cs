namespace Coven.Terminal;

/// <summary>
/// One screen cell. Kept as a mutable struct without references in flat arrays, so printing touches no heap
/// and rows are filled and copied as plain memory.
/// <see cref="Width"/> is 1 for a normal cell, 2 for the left half of a wide character and 0 for the
/// right half (a spacer that renders as nothing).
/// </summary>
internal struct Cell
{
    public int Codepoint;
    public CellStyle Style;
    public byte Width;

    /// <summary>Id of the combining marks attached to this cell in the screen's <see cref="CombiningMarks"/>; 0 (none) for almost every cell.</summary>
    public int Combining;

    public static Cell Blank(CellStyle eraseStyle) => new() { Codepoint = ' ', Width = 1, Style = eraseStyle };
}
