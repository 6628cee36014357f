using System.Text;

namespace Coven.Core.Text;

/// <summary>
/// Line-oriented rendering for <c>coven logs -f</c>, where text must appear as it arrives (the terminal model
/// only knows a line is final once it scrolls off). Removes control sequences (CSI, OSC, DCS/SOS/PM/APC strings,
/// two-byte escapes) and control characters, folds "\r\n" to "\n" and a lone "\r" to a new line, and turns
/// cursor movements into whitespace so words placed with them do not run together: a move right on the same
/// line (<c>CSI n G</c>, <c>CSI n `</c>, <c>CSI n C</c>, <c>CSI r;c H</c> on the current row) pads with spaces to
/// the target column, a move back leaves one space, a move to another row starts a new line (only after visible
/// text: a redraw that clears rows prints no blank lines). Spaces are written only when visible text follows
/// them, so lines carry no trailing whitespace. Keeps its parser state between chunks, since a sequence may be
/// split across events.
/// </summary>
public sealed class LineRenderer
{
    private const int MaxParams = 16;
    private const int MaxPad = 1024;

    private readonly int[] _params = new int[MaxParams];
    private State _state = State.Text;
    private bool _pendingCr;
    private int _paramCount;
    private bool _privateCsi;

    // Where the text written so far would be on a terminal: the column on the current output line, and the
    // row last addressed absolutely (-1 when unknown).
    private int _column;
    private int _row = -1;
    private char _last = '\n';
    private int _pendingSpaces;
    private bool _lineHasText;

    private enum State
    {
        Text,
        Escape,
        EscapeIntermediate,
        Csi,
        String,
        StringEscape,
    }

    public string Render(string chunk)
    {
        var sb = new StringBuilder(chunk.Length);
        foreach (var c in chunk)
        {
            Step(c, sb);
        }

        return sb.ToString();
    }

    /// <summary>Text held back at the end of the output (a final lone "\r").</summary>
    public string Flush()
    {
        _pendingSpaces = 0;
        if (_pendingCr)
        {
            _pendingCr = false;
            return "\n";
        }

        return string.Empty;
    }

    private void Step(char c, StringBuilder sb)
    {
        switch (_state)
        {
            case State.Text:
                Text(c, sb);
                break;
            case State.Escape:
                _state = c switch
                {
                    '[' => State.Csi,
                    ']' or 'P' or 'X' or '^' or '_' => State.String,
                    >= ' ' and <= '/' => State.EscapeIntermediate,
                    _ => State.Text,
                };
                if (_state == State.Csi)
                {
                    BeginCsi();
                }

                break;
            case State.EscapeIntermediate:
                if (c is < ' ' or > '/')
                {
                    _state = State.Text;
                }

                break;
            case State.Csi:
                Csi(c, sb);
                break;
            case State.String:
                if (c == '\a')
                {
                    _state = State.Text;
                }
                else if (c == '\e')
                {
                    _state = State.StringEscape;
                }

                break;
            case State.StringEscape:
                _state = c == '\\' ? State.Text : State.String;
                break;
        }
    }

    private void BeginCsi()
    {
        _paramCount = 0;
        _privateCsi = false;
        Array.Clear(_params);
    }

    private void Csi(char c, StringBuilder sb)
    {
        if (c is >= '0' and <= '9')
        {
            if (_paramCount == 0)
            {
                _paramCount = 1;
            }

            ref var p = ref _params[_paramCount - 1];
            p = Math.Min(p * 10 + (c - '0'), 100_000);
        }
        else if (c == ';')
        {
            _paramCount = _paramCount == 0 ? 2 : Math.Min(_paramCount + 1, MaxParams);
        }
        else if (c is '?' or '>' or '<' or '=' or ' ' or '!' or '$' or '"' or '\'')
        {
            _privateCsi = true;
        }
        else if (c is >= '@' and <= '~')
        {
            _state = State.Text;
            if (!_privateCsi)
            {
                Move(c, sb);
            }
        }
        else if (c == '\e')
        {
            _state = State.Escape;
        }
    }

    private int Param(int index, int fallback) => index < _paramCount && _params[index] > 0 ? _params[index] : fallback;

    private void Move(char final, StringBuilder sb)
    {
        switch (final)
        {
            case 'G' or '`':
                ToColumn(Param(0, 1) - 1, sb);
                break;
            case 'C':
                ToColumn(_column + Param(0, 1), sb);
                break;
            case 'H' or 'f':
                var row = Param(0, 1) - 1;
                if (row != _row && _row >= 0)
                {
                    NewLine(sb);
                }

                _row = row;
                ToColumn(Param(1, 1) - 1, sb);
                break;
            case 'd':
                if (Param(0, 1) - 1 != _row)
                {
                    NewLine(sb);
                }

                _row = Param(0, 1) - 1;
                break;
            case 'A' or 'B' or 'E' or 'F':
                NewLine(sb);
                _row = -1;
                break;
        }
    }

    private void ToColumn(int target, StringBuilder sb)
    {
        if (target > _column)
        {
            _pendingSpaces += Math.Min(target - _column, MaxPad);
            _column = target;
        }
        else if (target < _column)
        {
            // Going back over text a line-oriented output cannot overwrite: at least keep the words apart.
            if (_pendingSpaces == 0 && !char.IsWhiteSpace(_last))
            {
                _pendingSpaces = 1;
            }

            _column = target;
        }
    }

    /// <summary>A line break caused by a cursor move: only after visible text, so redraws do not print blank lines.</summary>
    private void NewLine(StringBuilder sb)
    {
        if (_lineHasText)
        {
            sb.Append('\n');
            _last = '\n';
        }

        _pendingSpaces = 0;
        _column = 0;
        _lineHasText = false;
    }

    private void Emit(char c, StringBuilder sb)
    {
        switch (c)
        {
            case '\n':
                // Trailing whitespace is dropped: spaces are written only once something visible follows them.
                _pendingSpaces = 0;
                sb.Append('\n');
                _last = '\n';
                _column = 0;
                _lineHasText = false;
                if (_row >= 0)
                {
                    _row++;
                }

                return;
            case ' ':
                _pendingSpaces++;
                _column++;
                return;
        }

        if (_pendingSpaces > 0)
        {
            sb.Append(' ', _pendingSpaces);
            _pendingSpaces = 0;
        }

        sb.Append(c);
        _last = c;
        _lineHasText = true;
        _column = c == '\t' ? (_column / 8 + 1) * 8 : _column + 1;
    }

    private void Text(char c, StringBuilder sb)
    {
        if (_pendingCr)
        {
            if (c == '\r')
            {
                // "\r\r\n" is what a PTY makes of a program's own "\r\n" (ONLCR): one line end.
                return;
            }

            _pendingCr = false;
            Emit('\n', sb);
            if (c == '\n')
            {
                return;
            }
        }

        switch (c)
        {
            case '\e':
                _state = State.Escape;
                break;
            case '\r':
                _pendingCr = true;
                break;
            case '\n' or '\t':
                Emit(c, sb);
                break;
            case '\u009b':
                _state = State.Csi;
                BeginCsi();
                break;
            case '\u009d' or '\u0090':
                _state = State.String;
                break;
            default:
                if (!char.IsControl(c))
                {
                    Emit(c, sb);
                }

                break;
        }
    }
}
