namespace Coven.Terminal;

// SGR: colours and attributes of the pen.
public sealed partial class TerminalScreen
{
    private void SelectGraphicRendition()
    {
        if (_paramCount == 0)
        {
            _style = CellStyle.Default;
            return;
        }

        uint fg = _style.Foreground;
        uint bg = _style.Background;
        var attrs = _style.Attributes;
        int i = 0;
        while (i < _paramCount)
        {
            int p = Math.Max(0, _params[i]);
            int next = i + 1;
            switch (p)
            {
                case 0:
                    fg = 0;
                    bg = 0;
                    attrs = CellAttributes.None;
                    break;
                case 1:
                    attrs |= CellAttributes.Bold;
                    break;
                case 2:
                    attrs |= CellAttributes.Dim;
                    break;
                case 3:
                    attrs |= CellAttributes.Italic;
                    break;
                case 4:
                    // 4:0 turns underline off; 4:1..4:5 are underline styles.
                    if (IsSubParam(next))
                    {
                        attrs = _params[next] == 0 ? attrs & ~CellAttributes.Underline : attrs | CellAttributes.Underline;
                    }
                    else
                    {
                        attrs |= CellAttributes.Underline;
                    }

                    break;
                case 5:
                case 6:
                    attrs |= CellAttributes.Blink;
                    break;
                case 7:
                    attrs |= CellAttributes.Inverse;
                    break;
                case 8:
                    attrs |= CellAttributes.Hidden;
                    break;
                case 9:
                    attrs |= CellAttributes.Strikethrough;
                    break;
                case 21:
                    attrs |= CellAttributes.Underline;
                    break;
                case 22:
                    attrs &= ~(CellAttributes.Bold | CellAttributes.Dim);
                    break;
                case 23:
                    attrs &= ~CellAttributes.Italic;
                    break;
                case 24:
                    attrs &= ~CellAttributes.Underline;
                    break;
                case 25:
                    attrs &= ~CellAttributes.Blink;
                    break;
                case 27:
                    attrs &= ~CellAttributes.Inverse;
                    break;
                case 28:
                    attrs &= ~CellAttributes.Hidden;
                    break;
                case 29:
                    attrs &= ~CellAttributes.Strikethrough;
                    break;
                case >= 30 and <= 37:
                    fg = CellStyle.Palette(p - 30);
                    break;
                case 38:
                    next = ExtendedColor(i, ref fg);
                    break;
                case 39:
                    fg = 0;
                    break;
                case >= 40 and <= 47:
                    bg = CellStyle.Palette(p - 40);
                    break;
                case 48:
                    next = ExtendedColor(i, ref bg);
                    break;
                case 49:
                    bg = 0;
                    break;
                case 58:
                    // Underline colour is not modelled, but its arguments must be skipped.
                    uint ignored = 0;
                    next = ExtendedColor(i, ref ignored);
                    break;
                case >= 90 and <= 97:
                    fg = CellStyle.Palette(p - 90 + 8);
                    break;
                case >= 100 and <= 107:
                    bg = CellStyle.Palette(p - 100 + 8);
                    break;
            }

            // Unused sub-parameters belong to the parameter they follow.
            while (next < _paramCount && IsSubParam(next))
            {
                next++;
            }

            i = next;
        }

        _style = new CellStyle(fg, bg, attrs);
    }

    private bool IsSubParam(int index) => index < _paramCount && (_subParamMask & (1u << index)) != 0;

    /// <summary>Parses 38/48/58 at <paramref name="i"/> in either the ';' or the ':' form; returns the next index.</summary>
    private int ExtendedColor(int i, ref uint color)
    {
        if (IsSubParam(i + 1))
        {
            // 38:5:n, 38:2:r:g:b or 38:2:colourspace:r:g:b.
            int end = i + 1;
            while (end < _paramCount && IsSubParam(end))
            {
                end++;
            }

            int count = end - (i + 1);
            int kind = _params[i + 1];
            if (kind == 5 && count >= 2)
            {
                color = CellStyle.Palette(Math.Max(0, _params[i + 2]));
            }
            else if (kind == 2 && count >= 4)
            {
                int first = count >= 5 ? i + 3 : i + 2;
                color = CellStyle.Rgb(Math.Max(0, _params[first]), Math.Max(0, _params[first + 1]), Math.Max(0, _params[first + 2]));
            }

            return end;
        }

        if (i + 1 >= _paramCount)
        {
            return i + 1;
        }

        int mode = _params[i + 1];
        if (mode == 5)
        {
            if (i + 2 < _paramCount)
            {
                color = CellStyle.Palette(Math.Max(0, _params[i + 2]));
            }

            return i + 3;
        }

        if (mode == 2)
        {
            if (i + 4 < _paramCount)
            {
                color = CellStyle.Rgb(Math.Max(0, _params[i + 2]), Math.Max(0, _params[i + 3]), Math.Max(0, _params[i + 4]));
            }

            return i + 5;
        }

        return i + 2;
    }
}
