namespace Coven.Terminal;

// C0 controls, ESC and CSI commands.
public sealed partial class TerminalScreen
{
    private CellStyle EraseStyle => new(0, _style.Background, CellAttributes.None);

    private void Execute(byte b)
    {
        // REP repeats the preceding character only if nothing came in between (ECMA-48; tmux agrees).
        _lastPrinted = -1;
        switch (b)
        {
            case 0x08:
                _pendingWrap = false;
                if (_column > 0)
                {
                    _column--;
                }
                else if (_row > 0 && _buffer.IsWrapped(_row - 1))
                {
                    // Backspace at the start of a soft-wrapped continuation goes back to the end of the
                    // previous row, as tmux does (xterm only with reverse-wraparound mode 45).
                    _row--;
                    _column = Columns - 1;
                }

                break;
            case 0x09:
                TabForward(1);
                break;
            case 0x0A:
            case 0x0B:
            case 0x0C:
                LineFeed();
                break;
            case 0x0D:
                _column = 0;
                _pendingWrap = false;
                break;
            case 0x0E:
                _activeSet = 1;
                break;
            case 0x0F:
                _activeSet = 0;
                break;
        }
    }

    private void LineFeed()
    {
        _pendingWrap = false;
        if (_row == _scrollBottom)
        {
            ScrollUp(1);
        }
        else if (_row < Rows - 1)
        {
            _row++;
        }
    }

    private void ReverseIndex()
    {
        _pendingWrap = false;
        if (_row == _scrollTop)
        {
            _buffer.ScrollDown(_scrollTop, _scrollBottom, 1, EraseStyle);
        }
        else if (_row > 0)
        {
            _row--;
        }
    }

    private void ScrollUp(int count)
    {
        // Only lines leaving the very top of the main screen are history; a region scroll lower down
        // (a status line, a TUI pane) just discards them, as xterm does.
        var history = !AltScreen && _scrollTop == 0 ? _scrollback : null;
        _buffer.ScrollUp(_scrollTop, _scrollBottom, count, EraseStyle, history);
    }

    private void TabForward(int count)
    {
        // At the last column a tab cannot move, and a pending wrap stays pending (as in tmux).
        if (_column >= Columns - 1)
        {
            return;
        }

        _pendingWrap = false;
        for (int n = 0; n < count && _column < Columns - 1; n++)
        {
            do
            {
                _column++;
            }
            while (_column < Columns - 1 && !_tabStops[_column]);
        }
    }

    private void TabBackward(int count)
    {
        _pendingWrap = false;
        for (int n = 0; n < count && _column > 0; n++)
        {
            do
            {
                _column--;
            }
            while (_column > 0 && !_tabStops[_column]);
        }
    }

    private void EscDispatch(byte final)
    {
        _lastPrinted = -1;
        if (_intermediateCount == 0)
        {
            switch (final)
            {
                case (byte)'7':
                    SaveCursor();
                    break;
                case (byte)'8':
                    RestoreCursor();
                    break;
                case (byte)'D':
                    LineFeed();
                    break;
                case (byte)'E':
                    _column = 0;
                    LineFeed();
                    break;
                case (byte)'H':
                    _tabStops[_column] = true;
                    break;
                case (byte)'M':
                    ReverseIndex();
                    break;
                case (byte)'c':
                    FullReset();
                    break;
                case (byte)'=':
                    _applicationKeypad = true;
                    break;
                case (byte)'>':
                    _applicationKeypad = false;
                    break;
            }

            return;
        }

        if (_intermediateCount != 1)
        {
            return;
        }

        switch (_intermediates)
        {
            case '(':
                _g0 = final == '0' ? Charset.DecSpecialGraphics : Charset.Ascii;
                break;
            case ')':
                _g1 = final == '0' ? Charset.DecSpecialGraphics : Charset.Ascii;
                break;
            case '#' when final == '8':
                ScreenAlignment();
                break;
        }
    }

    private int Param(int index, int defaultValue)
    {
        if (index >= _paramCount)
        {
            return defaultValue;
        }

        int v = _params[index];
        return v <= 0 ? defaultValue : v;
    }

    private int ParamOrZero(int index) => index < _paramCount && _params[index] > 0 ? _params[index] : 0;

    private void CsiDispatch(byte final)
    {
        int lastPrinted = _lastPrinted;
        _lastPrinted = -1;
        if (_intermediateCount > 0)
        {
            if (_intermediateCount == 1 && _intermediates == '!' && final == 'p')
            {
                SoftReset();
            }
            else if (_intermediateCount == 1 && _intermediates == ' ' && final == 'q' && _prefix == 0)
            {
                SetCursorStyle();
            }

            return;
        }

        if (_prefix == '?')
        {
            switch (final)
            {
                case (byte)'h':
                    SetDecModes(true);
                    break;
                case (byte)'l':
                    SetDecModes(false);
                    break;
                case (byte)'J':
                    EraseInDisplay(ParamOrZero(0));
                    break;
                case (byte)'K':
                    EraseInLine(ParamOrZero(0));
                    break;
            }

            return;
        }

        if (_prefix != 0)
        {
            KeyboardProtocol(final);
            return;
        }

        switch (final)
        {
            case (byte)'@':
                InsertBlanks(Param(0, 1));
                break;
            case (byte)'A':
                CursorUp(Param(0, 1));
                break;
            case (byte)'B':
            case (byte)'e':
                CursorDown(Param(0, 1));
                break;
            case (byte)'C':
            case (byte)'a':
                SetColumn(_column + Param(0, 1));
                break;
            case (byte)'D':
                SetColumn(_column - Param(0, 1));
                break;
            case (byte)'E':
                CursorDown(Param(0, 1));
                _column = 0;
                break;
            case (byte)'F':
                CursorUp(Param(0, 1));
                _column = 0;
                break;
            case (byte)'G':
            case (byte)'`':
                SetColumn(Param(0, 1) - 1);
                break;
            case (byte)'H':
            case (byte)'f':
                CursorPosition(Param(0, 1) - 1, Param(1, 1) - 1);
                break;
            case (byte)'I':
                TabForward(Param(0, 1));
                break;
            case (byte)'J':
                EraseInDisplay(ParamOrZero(0));
                break;
            case (byte)'K':
                EraseInLine(ParamOrZero(0));
                break;
            case (byte)'L':
                InsertLines(Param(0, 1));
                break;
            case (byte)'M':
                DeleteLines(Param(0, 1));
                break;
            case (byte)'P':
                DeleteChars(Param(0, 1));
                break;
            case (byte)'S':
                ScrollUp(Param(0, 1));
                break;
            case (byte)'T':
                _buffer.ScrollDown(_scrollTop, _scrollBottom, Param(0, 1), EraseStyle);
                break;
            case (byte)'X':
                EraseChars(Param(0, 1));
                break;
            case (byte)'Z':
                TabBackward(Param(0, 1));
                break;
            case (byte)'b':
                Repeat(lastPrinted, Param(0, 1));
                break;
            case (byte)'d':
                CursorPosition(Param(0, 1) - 1, _column, keepColumn: true);
                break;
            case (byte)'g':
                ClearTabStops(ParamOrZero(0));
                break;
            case (byte)'h':
                SetAnsiModes(true);
                break;
            case (byte)'l':
                SetAnsiModes(false);
                break;
            case (byte)'m':
                SelectGraphicRendition();
                break;
            case (byte)'r':
                SetScrollRegion(Param(0, 1) - 1, Param(1, Rows) - 1);
                break;
            case (byte)'s':
                SaveCursor();
                break;
            case (byte)'u':
                RestoreCursor();
                break;
        }
    }

    private void CursorUp(int n)
    {
        int limit = _row >= _scrollTop ? _scrollTop : 0;
        _row = Math.Max(limit, _row - n);
        _pendingWrap = false;
    }

    private void CursorDown(int n)
    {
        int limit = _row <= _scrollBottom ? _scrollBottom : Rows - 1;
        _row = Math.Min(limit, _row + n);
        _pendingWrap = false;
    }

    private void SetColumn(int column)
    {
        _column = Math.Clamp(column, 0, Columns - 1);
        _pendingWrap = false;
    }

    private void CursorPosition(int row, int column, bool keepColumn = false)
    {
        if (_originMode)
        {
            _row = Math.Clamp(row + _scrollTop, _scrollTop, _scrollBottom);
        }
        else
        {
            _row = Math.Clamp(row, 0, Rows - 1);
        }

        if (!keepColumn)
        {
            _column = Math.Clamp(column, 0, Columns - 1);
        }

        _pendingWrap = false;
    }

    private void EraseInDisplay(int mode)
    {
        var erase = EraseStyle;
        switch (mode)
        {
            case 0:
                EraseInLine(0);
                for (int r = _row + 1; r < Rows; r++)
                {
                    _buffer.ClearRow(r, erase);
                }

                break;
            case 1:
                EraseInLine(1);
                for (int r = 0; r < _row; r++)
                {
                    _buffer.ClearRow(r, erase);
                }

                break;
            case 2:
                _buffer.Clear(erase);
                break;
            case 3:
                _scrollback.Clear();
                break;
        }
    }

    private void EraseInLine(int mode)
    {
        var row = _buffer.Row(_row);
        var blank = Cell.Blank(EraseStyle);
        switch (mode)
        {
            case 0:
                FixWideBoundary(row, _column, 1);
                row[_column..].Fill(blank);
                _buffer.SetWrapped(_row, false);
                break;
            case 1:
                FixWideBoundary(row, _column, 1);
                row[..(_column + 1)].Fill(blank);
                break;
            case 2:
                row.Fill(blank);
                _buffer.SetWrapped(_row, false);
                break;
        }

        // A pending wrap survives erasing (tmux, st and alacritty agree): the next character still
        // goes to the next line.
    }

    private void EraseChars(int n)
    {
        var row = _buffer.Row(_row);
        n = Math.Min(n, Columns - _column);
        FixWideBoundary(row, _column, n);
        row.Slice(_column, n).Fill(Cell.Blank(EraseStyle));
        _pendingWrap = false;
    }

    private void InsertBlanks(int n)
    {
        var row = _buffer.Row(_row);
        n = Math.Min(n, Columns - _column);

        // Inserting inside a wide character splits it; inserting before one moves it whole.
        if (row[_column].Width == 0 && _column > 0)
        {
            row[_column - 1] = Cell.Blank(row[_column - 1].Style);
            row[_column] = Cell.Blank(row[_column].Style);
        }

        row[_column..^n].CopyTo(row[(_column + n)..]);
        row.Slice(_column, n).Fill(Cell.Blank(EraseStyle));
        if (row[^1].Width == 2)
        {
            row[^1] = Cell.Blank(row[^1].Style);
        }

        _pendingWrap = false;
    }

    private void DeleteChars(int n)
    {
        var row = _buffer.Row(_row);
        n = Math.Min(n, Columns - _column);
        FixWideBoundary(row, _column, n);
        row[(_column + n)..].CopyTo(row[_column..]);
        row[^n..].Fill(Cell.Blank(EraseStyle));
        _pendingWrap = false;
    }

    private void InsertLines(int n)
    {
        if (_row < _scrollTop || _row > _scrollBottom)
        {
            return;
        }

        // The column is kept, as tmux does (xterm homes it); programs position explicitly afterwards.
        _buffer.ScrollDown(_row, _scrollBottom, n, EraseStyle);
        _pendingWrap = false;
    }

    private void DeleteLines(int n)
    {
        if (_row < _scrollTop || _row > _scrollBottom)
        {
            return;
        }

        _buffer.ScrollUp(_row, _scrollBottom, n, EraseStyle, null);
        _pendingWrap = false;
    }

    private void Repeat(int codepoint, int n)
    {
        if (codepoint < 0)
        {
            return;
        }

        // Bounded: a huge count can never do more than fill the screen.
        n = Math.Min(n, Columns * Rows);
        for (int i = 0; i < n; i++)
        {
            Print(codepoint);
        }

        // The REP itself is now the preceding character: a second REP repeats nothing.
        _lastPrinted = -1;
    }

    private void ClearTabStops(int mode)
    {
        if (mode == 0)
        {
            _tabStops[_column] = false;
        }
        else if (mode == 3)
        {
            Array.Clear(_tabStops);
        }
    }

    private void SetScrollRegion(int top, int bottom)
    {
        bottom = Math.Min(bottom, Rows - 1);
        if (top < 0 || top >= bottom)
        {
            return;
        }

        _scrollTop = top;
        _scrollBottom = bottom;
        CursorPosition(0, 0);
    }

    private void SetAnsiModes(bool on)
    {
        for (int i = 0; i < _paramCount; i++)
        {
            if (_params[i] == 4)
            {
                _insertMode = on;
            }
        }
    }

    private void SetDecModes(bool on)
    {
        for (int i = 0; i < _paramCount; i++)
        {
            switch (_params[i])
            {
                case 1:
                    _applicationCursorKeys = on;
                    break;
                case 6:
                    _originMode = on;
                    CursorPosition(0, 0);
                    break;
                case 7:
                    _autoWrap = on;
                    if (!on)
                    {
                        _pendingWrap = false;
                    }

                    break;
                case 25:
                    CursorVisible = on;
                    break;
                case 47:
                case 1047:
                    SwitchScreen(on, clearAlt: _params[i] == 1047 && !on, saveCursor: false);
                    break;
                case 1048:
                    if (on)
                    {
                        SaveCursor();
                    }
                    else
                    {
                        RestoreCursor();
                    }

                    break;
                case 1049:
                    SwitchScreen(on, clearAlt: on, saveCursor: true);
                    break;
                case 2004:
                    BracketedPaste = on;
                    break;
                default:
                    SetInputMode(_params[i], on);
                    break;
            }
        }
    }

    private void SwitchScreen(bool toAlt, bool clearAlt, bool saveCursor)
    {
        if (toAlt == AltScreen)
        {
            return;
        }

        if (toAlt)
        {
            if (saveCursor)
            {
                SaveCursor();
            }

            AltScreen = true;
            _buffer = _alt;
            if (clearAlt)
            {
                _alt.Clear(EraseStyle);
            }
        }
        else
        {
            if (clearAlt)
            {
                _alt.Clear(EraseStyle);
            }

            AltScreen = false;
            _buffer = _main;
            if (saveCursor)
            {
                RestoreCursor();
            }
        }

        _pendingWrap = false;
    }

    private ref SavedCursor CurrentSaved => ref AltScreen ? ref _savedAlt : ref _savedMain;

    private void SaveCursor()
    {
        ref var saved = ref CurrentSaved;
        saved.IsSet = true;
        saved.Row = _row;
        saved.Column = _column;
        saved.PendingWrap = _pendingWrap;
        saved.Style = _style;
        saved.OriginMode = _originMode;
        saved.G0 = _g0;
        saved.G1 = _g1;
        saved.ActiveSet = _activeSet;
    }

    private void RestoreCursor()
    {
        ref var saved = ref CurrentSaved;
        if (!saved.IsSet)
        {
            // DECRC without DECSC homes the cursor and resets the rendition, like xterm.
            _row = 0;
            _column = 0;
            _pendingWrap = false;
            _style = CellStyle.Default;
            _originMode = false;
            return;
        }

        _row = Math.Min(saved.Row, Rows - 1);
        _column = Math.Min(saved.Column, Columns - 1);
        _pendingWrap = saved.PendingWrap;
        _style = saved.Style;
        _originMode = saved.OriginMode;
        _g0 = saved.G0;
        _g1 = saved.G1;
        _activeSet = saved.ActiveSet;
    }

    private void SoftReset()
    {
        CursorVisible = true;
        _originMode = false;
        _autoWrap = true;
        _insertMode = false;
        _applicationCursorKeys = false;
        _applicationKeypad = false;
        _scrollTop = 0;
        _scrollBottom = Rows - 1;
        _style = CellStyle.Default;
        _g0 = Charset.Ascii;
        _g1 = Charset.Ascii;
        _activeSet = 0;
        _savedMain = default;
        _savedAlt = default;
    }

    private void FullReset()
    {
        SoftReset();
        AltScreen = false;
        _buffer = _main;
        _main.Clear(CellStyle.Default);
        _alt.Clear(CellStyle.Default);
        _scrollback.Clear();
        _tabStops = NewTabStops(Columns, null);
        _row = 0;
        _column = 0;
        _pendingWrap = false;
        BracketedPaste = false;
        ResetInputModes();
        Title = string.Empty;
        _lastPrinted = -1;
    }

    private void ScreenAlignment()
    {
        var fill = new Cell { Codepoint = 'E', Width = 1 };
        for (int r = 0; r < Rows; r++)
        {
            _buffer.Row(r).Fill(fill);
        }

        _scrollTop = 0;
        _scrollBottom = Rows - 1;
        _row = 0;
        _column = 0;
        _pendingWrap = false;
    }
}
