using System.Text;

namespace Coven.Terminal;

/// <summary>Turns cells into plain text and SGR-decorated text.</summary>
internal static class TextRender
{
    public static string Line(ReadOnlySpan<Cell> row, CombiningMarks marks)
    {
        var sb = new StringBuilder(row.Length);
        AppendText(sb, row, marks);
        return sb.ToString();
    }

    /// <summary>Appends the row's text with trailing spaces trimmed.</summary>
    public static void AppendText(StringBuilder sb, ReadOnlySpan<Cell> row, CombiningMarks marks)
    {
        int start = sb.Length;
        int end = start;
        foreach (ref readonly var cell in row)
        {
            if (cell.Width == 0)
            {
                continue;
            }

            AppendCodepoint(sb, cell.Codepoint);
            if (cell.Combining != 0)
            {
                sb.Append(marks.Text(cell.Combining));
            }

            if (cell.Codepoint != ' ' || cell.Combining != 0)
            {
                end = sb.Length;
            }
        }

        sb.Length = end;
    }

    /// <summary>Appends the row with SGR sequences; trailing default-styled blanks are dropped.</summary>
    public static void AppendAnsi(StringBuilder sb, ReadOnlySpan<Cell> row, CombiningMarks marks)
    {
        int last = row.Length - 1;
        while (last >= 0 && row[last].Width == 1 && row[last].Codepoint == ' ' && row[last].Combining == 0
               && row[last].Style == CellStyle.Default)
        {
            last--;
        }

        var current = CellStyle.Default;
        for (int i = 0; i <= last; i++)
        {
            ref readonly var cell = ref row[i];
            if (cell.Width == 0)
            {
                continue;
            }

            if (cell.Style != current)
            {
                AppendSgr(sb, cell.Style);
                current = cell.Style;
            }

            AppendCodepoint(sb, cell.Codepoint);
            if (cell.Combining != 0)
            {
                sb.Append(marks.Text(cell.Combining));
            }
        }

        if (current != CellStyle.Default)
        {
            sb.Append("\e[0m");
        }
    }

    public static void AppendSgr(StringBuilder sb, CellStyle style)
    {
        sb.Append("\e[0");
        var a = style.Attributes;
        if ((a & CellAttributes.Bold) != 0)
        {
            sb.Append(";1");
        }

        if ((a & CellAttributes.Dim) != 0)
        {
            sb.Append(";2");
        }

        if ((a & CellAttributes.Italic) != 0)
        {
            sb.Append(";3");
        }

        if ((a & CellAttributes.Underline) != 0)
        {
            sb.Append(";4");
        }

        if ((a & CellAttributes.Blink) != 0)
        {
            sb.Append(";5");
        }

        if ((a & CellAttributes.Inverse) != 0)
        {
            sb.Append(";7");
        }

        if ((a & CellAttributes.Hidden) != 0)
        {
            sb.Append(";8");
        }

        if ((a & CellAttributes.Strikethrough) != 0)
        {
            sb.Append(";9");
        }

        AppendColor(sb, style.Foreground, 30, 90, 38);
        AppendColor(sb, style.Background, 40, 100, 48);
        sb.Append('m');
    }

    private static void AppendColor(StringBuilder sb, uint color, int baseCode, int brightBase, int extended)
    {
        if (color == 0)
        {
            return;
        }

        uint value = color & 0xFF_FFFF;
        if ((color & CellStyle.RgbTag) != 0)
        {
            sb.Append(';').Append(extended).Append(";2;")
                .Append((value >> 16) & 0xFF).Append(';')
                .Append((value >> 8) & 0xFF).Append(';')
                .Append(value & 0xFF);
        }
        else if (value < 8)
        {
            sb.Append(';').Append(baseCode + (int)value);
        }
        else if (value < 16)
        {
            sb.Append(';').Append(brightBase + (int)value - 8);
        }
        else
        {
            sb.Append(';').Append(extended).Append(";5;").Append(value);
        }
    }

    private static void AppendCodepoint(StringBuilder sb, int codepoint)
    {
        if (codepoint < 0x10000)
        {
            sb.Append((char)codepoint);
        }
        else
        {
            int v = codepoint - 0x10000;
            sb.Append((char)(0xD800 + (v >> 10)));
            sb.Append((char)(0xDC00 + (v & 0x3FF)));
        }
    }
}
