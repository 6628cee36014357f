namespace Coven.Terminal;

// Putting characters into cells: autowrap, wide characters, combining marks.
public sealed partial class TerminalScreen
{
    private void PrintAscii(ReadOnlySpan<byte> text)
    {
        if ((_activeSet == 0 ? _g0 : _g1) != Charset.Ascii || _insertMode)
        {
            foreach (byte b in text)
            {
                Print(b);
            }

            return;
        }

        while (!text.IsEmpty)
        {
            if (_pendingWrap)
            {
                WrapLine();
            }

            int space = Columns - _column;
            int n = Math.Min(space, text.Length);
            var row = _buffer.Row(_row);
            FixWideBoundary(row, _column, n);
            var cells = row.Slice(_column, n);
            var style = _style;
            for (int k = 0; k < cells.Length; k++)
            {
                ref var cell = ref cells[k];
                cell.Codepoint = text[k];
                cell.Style = style;
                cell.Width = 1;
                cell.Combining = 0;
            }

            _lastPrinted = text[n - 1];
            text = text[n..];
            _column += n;
            if (_column >= Columns)
            {
                _column = Columns - 1;
                if (_autoWrap)
                {
                    _pendingWrap = true;
                }
                else if (!text.IsEmpty)
                {
                    // Without autowrap every further character lands on the last column; only the last one stays.
                    ref var lastCell = ref row[Columns - 1];
                    lastCell.Codepoint = text[^1];
                    lastCell.Combining = 0;
                    _lastPrinted = text[^1];
                    text = default;
                }
            }
        }
    }

    private void Print(int codepoint)
    {
        if (codepoint < 0x80)
        {
            if ((_activeSet == 0 ? _g0 : _g1) == Charset.DecSpecialGraphics)
            {
                codepoint = DecSpecialGraphics(codepoint);
            }
        }
        else if (codepoint < 0xA0)
        {
            // C1 controls decoded from UTF-8 are not printable; UTF-8 terminals ignore them.
            return;
        }

        int width = CharWidth.Of(codepoint);
        if (width == 0)
        {
            Combine(codepoint);
            return;
        }

        if (width == 2 && Columns < 2)
        {
            return;
        }

        if (_pendingWrap)
        {
            WrapLine();
        }

        if (width == 2 && _column == Columns - 1)
        {
            if (!_autoWrap)
            {
                return;
            }

            // A wide character never straddles the margin: it wraps and the last cell keeps whatever it
            // showed (as in tmux and xterm).
            WrapLine();
        }

        var row = _buffer.Row(_row);
        if (_insertMode)
        {
            InsertBlanks(width);
        }

        FixWideBoundary(row, _column, width);
        ref var cell = ref row[_column];
        cell.Codepoint = codepoint;
        cell.Style = _style;
        cell.Width = (byte)width;
        cell.Combining = 0;
        if (width == 2)
        {
            ref var tail = ref row[_column + 1];
            tail.Codepoint = 0;
            tail.Style = _style;
            tail.Width = 0;
            tail.Combining = 0;
        }

        _lastPrinted = codepoint;
        _column += width;
        if (_column >= Columns)
        {
            _column = Columns - 1;
            _pendingWrap = _autoWrap;
        }
    }

    private void Combine(int codepoint)
    {
        int column;
        if (_pendingWrap)
        {
            column = _column;
        }
        else if (_column > 0)
        {
            column = _column - 1;
        }
        else
        {
            return;
        }

        ref var cell = ref _buffer.At(_row, column);
        if (cell.Width == 0 && column > 0)
        {
            cell = ref _buffer.At(_row, column - 1);
        }

        // Bounded so that an endless run of marks cannot grow one cell without limit.
        var existing = _marks.Text(cell.Combining);
        if (existing is { Length: >= 16 })
        {
            return;
        }

        string mark = char.ConvertFromUtf32(codepoint);
        var id = InternMarks(existing is null ? mark : existing + mark);
        if (id != 0)
        {
            cell.Combining = id;
        }
    }

    /// <summary>
    /// The id of a mark sequence. When the table is full it is first rebuilt from the ids the cells still use
    /// (renumbering them in place); 0 when even then there is no room, and the new mark is dropped.
    /// </summary>
    private int InternMarks(string text)
    {
        if (_marks.TryIntern(text, out var id))
        {
            return id;
        }

        _marks.Rebuild(AllCells());
        return _marks.TryIntern(text, out id) ? id : 0;
    }

    private IEnumerable<Memory<Cell>> AllCells()
    {
        yield return _main.Cells;
        yield return _alt.Cells;
        foreach (var row in _scrollback.RowArrays())
        {
            yield return row;
        }
    }

    private void WrapLine()
    {
        _pendingWrap = false;
        _buffer.SetWrapped(_row, true);
        _column = 0;
        LineFeed();
    }

    /// <summary>
    /// Before cells [column, column+count) are overwritten, blanks the other half of any wide character
    /// that would otherwise be cut in two at either edge.
    /// </summary>
    private static void FixWideBoundary(Span<Cell> row, int column, int count)
    {
        if (row[column].Width == 0 && column > 0)
        {
            row[column - 1] = Cell.Blank(row[column - 1].Style);
        }

        int end = column + count - 1;
        if (end < row.Length - 1 && row[end].Width == 2)
        {
            row[end + 1] = Cell.Blank(row[end + 1].Style);
        }
    }

    private static int DecSpecialGraphics(int c) => c switch
    {
        '`' => '◆',
        'a' => '▒',
        'f' => '°',
        'g' => '±',
        'j' => '┘',
        'k' => '┐',
        'l' => '┌',
        'm' => '└',
        'n' => '┼',
        'o' => '⎺',
        'p' => '⎻',
        'q' => '─',
        'r' => '⎼',
        's' => '⎽',
        't' => '├',
        'u' => '┤',
        'v' => '┴',
        'w' => '┬',
        'x' => '│',
        'y' => '≤',
        'z' => '≥',
        '{' => 'π',
        '|' => '≠',
        '}' => '£',
        '~' => '·',
        _ => c,
    };
}
