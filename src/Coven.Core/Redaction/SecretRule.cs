using System.Buffers;

namespace Coven.Core.Redaction;

internal enum MatchStatus
{
    /// <summary>Not a secret at this position.</summary>
    None,

    /// <summary>The text ends before the rule can decide: hold the text back until more arrives.</summary>
    NeedMore,

    /// <summary>A secret: replace <c>[Start, End)</c>.</summary>
    Found,

    /// <summary>A secret that runs to the end of the text and goes on (a PEM block without its END line yet).</summary>
    FoundOpen,
}

internal readonly record struct SecretMatch(MatchStatus Status, int Start, int End, string Kind)
{
    public static readonly SecretMatch NoMatch = new(MatchStatus.None, 0, 0, string.Empty);
    public static readonly SecretMatch More = new(MatchStatus.NeedMore, 0, 0, string.Empty);
}

/// <summary>
/// One kind of secret, found by a literal anchor (what the scanner searches for) and confirmed by
/// <see cref="Match"/> on the text after it. The text it reads is the output with escape sequences removed.
/// </summary>
internal abstract class SecretRule(string name, string anchor, bool caseSensitive, bool wordBoundary)
{
    /// <summary>The name users see in <c>[redacted:NAME]</c> and use in <c>disable</c>.</summary>
    public string Name { get; } = name;

    public string Anchor { get; } = anchor;

    public bool CaseSensitive { get; } = caseSensitive;

    /// <summary>The anchor must not follow a letter or digit (<c>task-…</c> is not <c>sk-…</c>).</summary>
    public bool WordBoundary { get; } = wordBoundary;

    public StringComparison Comparison => CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>Decides at <paramref name="pos"/>, where the anchor starts; <paramref name="final"/>: no more text follows.</summary>
    public abstract SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final);

    /// <summary>For <see cref="MatchStatus.FoundOpen"/>: the index just after the secret's end in text that continues it, or -1.</summary>
    public virtual int FindEnd(ReadOnlySpan<char> text) => -1;

    protected SecretMatch Found(int start, int end, string? kind = null) => new(MatchStatus.Found, start, end, kind ?? Name);

    /// <summary>The end of the run of <paramref name="chars"/> from <paramref name="start"/> (text length when it runs to the end).</summary>
    protected static int RunEnd(ReadOnlySpan<char> text, int start, SearchValues<char> chars)
    {
        if (start >= text.Length)
        {
            return text.Length;
        }

        var n = text[start..].IndexOfAnyExcept(chars);
        return n < 0 ? text.Length : start + n;
    }

    protected static int SkipSpaces(ReadOnlySpan<char> text, int i, int max = 8)
    {
        var limit = Math.Min(text.Length, i + max);
        while (i < limit && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }
}
