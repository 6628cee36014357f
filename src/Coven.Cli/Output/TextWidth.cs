using System.Globalization;
using System.Text;
using Coven.Terminal;

namespace Coven.Cli.Output;

/// <summary>
/// Display width in terminal columns and truncation by text elements, with the terminal model's width table
/// (<see cref="CharWidth"/>: East Asian wide and emoji two columns, combining marks none), summed per code point as
/// wcswidth does.
/// </summary>
internal static class TextWidth
{
    public static int Of(string text)
    {
        var ascii = true;
        foreach (var c in text)
        {
            if (c >= 0x80)
            {
                ascii = false;
                break;
            }
        }

        if (ascii)
        {
            return text.Length;
        }

        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += CharWidth.Measure(rune.Value);
        }

        return width;
    }

    /// <summary>
    /// Cuts to at most <paramref name="max"/> columns, ending with "…" when cut (never inside a text element);
    /// control characters become spaces.
    /// </summary>
    public static string Truncate(string text, int max)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        var s = clean.ToString();
        if (Of(s) <= max)
        {
            return s;
        }

        var cut = new StringBuilder(s.Length);
        var width = 0;
        var elements = StringInfo.GetTextElementEnumerator(s);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var w = Of(element);
            if (width + w > max - 1)
            {
                break;
            }

            cut.Append(element);
            width += w;
        }

        return cut.Append('…').ToString();
    }

    /// <summary>Cuts to at most <paramref name="max"/> elements from the start, beginning with "…" when cut (for paths).</summary>
    public static string TruncateStart(string text, int max)
    {
        var s = Truncate(text, int.MaxValue);
        var length = Of(s);
        if (length <= max)
        {
            return s;
        }

        var info = new StringInfo(s);
        var keep = Math.Max(0, max - 1);
        return "…" + info.SubstringByTextElements(length - keep, keep);
    }
}
