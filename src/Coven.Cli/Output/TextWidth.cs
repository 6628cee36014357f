using System.Globalization;
using System.Text;

namespace Coven.Cli.Output;

/// <summary>Display width and truncation by text elements (good enough for titles; wide CJK counts as one).</summary>
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

        return ascii ? text.Length : new StringInfo(text).LengthInTextElements;
    }

    /// <summary>Cuts to at most <paramref name="max"/> elements, ending with "…" when cut; control characters become spaces.</summary>
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

        var info = new StringInfo(s);
        return info.SubstringByTextElements(0, Math.Max(0, max - 1)) + "…";
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
