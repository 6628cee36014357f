namespace Coven.Terminal;

/// <summary>
/// A grid of cells in one flat array. Rows are addressed through a row map so that scrolling
/// rotates a few integers instead of moving every cell.
/// </summary>
internal sealed class ScreenBuffer
{
    private readonly Cell[] _cells;

    // Logical row -> offset of its first cell in _cells.
    private readonly int[] _rowOffset;

    // Indexed by logical row; rotated together with _rowOffset.
    private readonly bool[] _wrapped;

    // A row of blanks in _blankStyle, made on first use.
    private Cell[]? _blankRow;
    private CellStyle _blankStyle;

    public ScreenBuffer(int columns, int rows)
    {
        Columns = columns;
        Rows = rows;
        _cells = new Cell[columns * rows];
        _rowOffset = new int[rows];
        _wrapped = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            _rowOffset[r] = r * columns;
        }

        Array.Fill(_cells, Cell.Blank(CellStyle.Default));
    }

    public int Columns { get; }

    public int Rows { get; }

    /// <summary>All cells in storage order (for renumbering combining-mark ids).</summary>
    public Memory<Cell> Cells => _cells;

    public Span<Cell> Row(int row) => _cells.AsSpan(_rowOffset[row], Columns);

    public ref Cell At(int row, int column) => ref _cells[_rowOffset[row] + column];

    /// <summary>True when the row ended by autowrap into the next one (a soft line break).</summary>
    public bool IsWrapped(int row) => _wrapped[row];

    public void SetWrapped(int row, bool value) => _wrapped[row] = value;

    public void ClearRow(int row, CellStyle eraseStyle)
    {
        // Every line feed at the bottom clears a row: copying a prepared blank row is a vectorised memmove,
        // where filling with a 20-byte struct is a loop over cells.
        if (_blankRow is null || _blankStyle != eraseStyle)
        {
            _blankRow ??= new Cell[Columns];
            _blankRow.AsSpan().Fill(Cell.Blank(eraseStyle));
            _blankStyle = eraseStyle;
        }

        _blankRow.CopyTo(Row(row));
        _wrapped[row] = false;
    }

    public void Clear(CellStyle eraseStyle)
    {
        for (int r = 0; r < Rows; r++)
        {
            ClearRow(r, eraseStyle);
        }
    }

    /// <summary>
    /// Scrolls rows <paramref name="top"/>..<paramref name="bottom"/> up by <paramref name="count"/>;
    /// each row leaving the top is handed to <paramref name="scrolledOff"/> first (when given).
    /// </summary>
    public void ScrollUp(int top, int bottom, int count, CellStyle eraseStyle, Scrollback? scrolledOff)
    {
        int height = bottom - top + 1;
        if (count <= 0 || height <= 0)
        {
            return;
        }

        count = Math.Min(count, height);
        if (scrolledOff is not null)
        {
            for (int i = 0; i < count; i++)
            {
                scrolledOff.Push(Row(top + i), _wrapped[top + i]);
            }
        }

        Rotate(top, bottom, count);
        for (int r = bottom - count + 1; r <= bottom; r++)
        {
            ClearRow(r, eraseStyle);
        }
    }

    public void ScrollDown(int top, int bottom, int count, CellStyle eraseStyle)
    {
        int height = bottom - top + 1;
        if (count <= 0 || height <= 0)
        {
            return;
        }

        count = Math.Min(count, height);
        Rotate(top, bottom, height - count);
        for (int r = top; r < top + count; r++)
        {
            ClearRow(r, eraseStyle);
        }
    }

    /// <summary>Copies the overlapping top-left part of <paramref name="source"/> into this buffer.</summary>
    public void CopyFrom(ScreenBuffer source)
    {
        int rows = Math.Min(Rows, source.Rows);
        int cols = Math.Min(Columns, source.Columns);
        for (int r = 0; r < rows; r++)
        {
            var dst = Row(r);
            source.Row(r)[..cols].CopyTo(dst);

            // A wide character cut in half by a narrower screen must not leave its left half behind.
            if (cols > 0 && dst[cols - 1].Width == 2 && cols < source.Columns)
            {
                dst[cols - 1] = Cell.Blank(dst[cols - 1].Style);
            }

            _wrapped[r] = source._wrapped[r] && cols == source.Columns && Columns == source.Columns;
        }
    }

    // Rotates rows top..bottom left by `shift` (row top+shift becomes row top).
    private void Rotate(int top, int bottom, int shift)
    {
        int height = bottom - top + 1;
        shift %= height;
        if (shift == 0)
        {
            return;
        }

        Span<int> offsets = _rowOffset.AsSpan(top, height);
        Span<bool> wrapped = _wrapped.AsSpan(top, height);
        if (shift == 1)
        {
            // One-line scrolls (every line feed at the bottom) are by far the most common: one memmove.
            int first = offsets[0];
            bool firstWrapped = wrapped[0];
            offsets[1..].CopyTo(offsets);
            wrapped[1..].CopyTo(wrapped);
            offsets[^1] = first;
            wrapped[^1] = firstWrapped;
            return;
        }

        offsets.Slice(0, shift).Reverse();
        offsets.Slice(shift).Reverse();
        offsets.Reverse();
        wrapped.Slice(0, shift).Reverse();
        wrapped.Slice(shift).Reverse();
        wrapped.Reverse();
    }
}
