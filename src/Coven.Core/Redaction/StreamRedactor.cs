using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Coven.Core.Redaction;

/// <summary>
/// Redacts one byte stream (a session's PTY output) as it passes: <see cref="Write"/> passes on everything that
/// cannot be part of a secret and holds back a bounded tail that may be (the start of an anchor, a token that
/// runs to the end of the chunk); the next chunk or <see cref="Flush"/> (the recorder calls it after
/// <see cref="RedactionRules.HoldMs"/> without output) decides. Matching runs on the text with escape sequences
/// and other control characters removed, so a secret drawn with colour codes or cursor moves between its
/// characters is found; positions map back to the bytes, the replaced range becomes <c>[redacted:KIND]</c>
/// followed by the escape sequences it contained (the terminal state stays what it was). Secrets are ASCII and
/// every cut is at an ASCII byte or an ESC, so a UTF-8 sequence is never split.
/// Bytes become chars one to one (Latin-1): non-ASCII bytes are never part of a secret, and positions need no
/// table when a chunk has no control characters (the common case on bulk output); otherwise they are kept as the
/// runs of text between control bytes (one entry per run, not per byte: TUI output has an escape every few bytes,
/// and a per-byte loop was most of the cost, docs/benchmarks-store.md).
/// Not thread-safe: one writer.
/// </summary>
public sealed class StreamRedactor
{
    /// <summary>Most bytes held back for an undecided match; past it the text is decided as if it ended there.</summary>
    public const int MaxHold = 16 * 1024;

    // An unterminated private key block stops being swallowed after this much (no key is that long).
    private const int MaxOpenChars = 64 * 1024;

    // What is not text to the matcher: C0 controls other than TAB, LF, CR, and DEL.
    private static readonly SearchValues<byte> s_controls = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b is not ('\t' or '\n' or '\r')).Select(b => (byte)b), 0x7F]);

    private readonly RedactionRules _rules;
    private byte[] _held = new byte[256];
    private int _heldLength;
    private char[] _text = new char[4096];
    // Runs of text: run r starts at text index _runText[r] and raw index _runRaw[r]; _endRaw is where the text ends
    // in the raw bytes (the start of an unfinished escape sequence, or the end).
    private int[] _runText = new int[256];
    private int[] _runRaw = new int[256];
    private int _runCount;
    private int _endRaw;
    private bool _identity;
    private char _prev = ' ';
    private SecretRule? _open;
    private int _openChars;

    public StreamRedactor(RedactionRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
    }

    /// <summary>Bytes held back, waiting for the next chunk or <see cref="Flush"/>.</summary>
    public int HeldBytes => _heldLength;

    /// <summary>Secrets replaced so far.</summary>
    public long Replacements { get; private set; }

    /// <summary>Passes on <paramref name="chunk"/> minus secrets and minus a tail that may still become one.</summary>
    public void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_heldLength == 0)
        {
            Process(chunk, output, final: false);
            return;
        }

        EnsureHeld(_heldLength + chunk.Length);
        chunk.CopyTo(_held.AsSpan(_heldLength));
        _heldLength += chunk.Length;
        Process(_held.AsSpan(0, _heldLength), output, final: false);
    }

    /// <summary>Decides the held tail as if the stream ended here (after the hold time, or at the end of output).</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_heldLength > 0)
        {
            Process(_held.AsSpan(0, _heldLength), output, final: true);
        }
    }

    private void Process(ReadOnlySpan<byte> raw, IBufferWriter<byte> output, bool final)
    {
        var complete = Strip(raw, final);
        var text = _text.AsSpan(0, TextLength);
        var emitted = 0;
        var scan = 0;
        var hold = -1;
        if (_open is not null)
        {
            scan = ContinueOpen(raw, text, output, final, ref emitted, out var stillOpen);
            if (stillOpen)
            {
                Keep(raw, scan < text.Length ? RawAt(scan) : complete, text, scan);
                return;
            }
        }

        var nextExact = -1;
        var nextIgnoreCase = -1;
        while (scan < text.Length)
        {
            var pos = NextAnchor(text, scan, ref nextExact, ref nextIgnoreCase);
            if (pos < 0)
            {
                break;
            }

            var match = MatchAt(text, pos, final);
            if (match.Status == MatchStatus.NeedMore)
            {
                if (raw.Length - RawAt(pos) > MaxHold)
                {
                    // Undecided for too long: decide on what is here.
                    match = MatchAt(text, pos, final: true);
                }
                else
                {
                    hold = pos;
                    break;
                }
            }

            if (match.Status is MatchStatus.Found or MatchStatus.FoundOpen && !_rules.IsAllowed(text[match.Start..match.End]))
            {
                Replace(raw, text, match, output, ref emitted);
                scan = match.End;
                if (match.Status == MatchStatus.FoundOpen)
                {
                    _open = match.Rule;
                    _openChars = match.End - match.Start;
                }

                continue;
            }

            scan = match.Status is MatchStatus.Found or MatchStatus.FoundOpen ? match.End : pos + 1;
        }

        if (hold < 0 && !final)
        {
            hold = TailHold(text, scan);
        }

        var holdRaw = hold >= 0 ? Math.Min(RawAt(hold), complete) : complete;
        output.Write(raw[emitted..holdRaw]);
        Keep(raw, holdRaw, text, hold >= 0 ? hold : text.Length);
    }

    private int TextLength { get; set; }

    /// <summary>
    /// The first anchor at or after <paramref name="scan"/>, or -1: the nearer of the next case-sensitive and the next
    /// case-insensitive anchor; each search result is kept until the scan passes it (int.MaxValue: none left).
    /// </summary>
    private int NextAnchor(ReadOnlySpan<char> text, int scan, ref int nextExact, ref int nextIgnoreCase)
    {
        if (nextExact < scan)
        {
            nextExact = Find(text, scan, _rules.ExactAnchors);
        }

        if (nextIgnoreCase < scan)
        {
            nextIgnoreCase = Find(text, scan, _rules.IgnoreCaseAnchors);
        }

        var next = Math.Min(nextExact, nextIgnoreCase);
        return next == int.MaxValue ? -1 : next;

        static int Find(ReadOnlySpan<char> text, int scan, SearchValues<string>? anchors)
        {
            var k = anchors is null ? -1 : text[scan..].IndexOfAny(anchors);
            return k < 0 ? int.MaxValue : scan + k;
        }
    }

    /// <summary>Fills the text (and the position map when needed); returns where an unfinished escape sequence starts.</summary>
    private int Strip(ReadOnlySpan<byte> raw, bool final)
    {
        if (_text.Length < raw.Length)
        {
            _text = new char[Math.Max(raw.Length, _text.Length * 2)];
        }

        var first = raw.IndexOfAny(s_controls);
        if (first < 0)
        {
            _identity = true;
            TextLength = Encoding.Latin1.GetChars(raw, _text);
            return raw.Length;
        }

        _identity = false;
        _runCount = 0;
        var t = 0;
        var i = 0;
        if (first > 0)
        {
            AddRun(0, 0);
            t = i = Encoding.Latin1.GetChars(raw[..first], _text);
        }

        while (i < raw.Length)
        {
            var b = raw[i];
            if (!IsControl(b))
            {
                AddRun(t, i);
                var length = CopyText(raw, i, _text.AsSpan(t));
                t += length;
                i += length;
                continue;
            }

            if (raw[i] == 0x1B)
            {
                var end = EscapeEnd(raw, i);
                if (end < 0)
                {
                    if (final)
                    {
                        break;
                    }

                    TextLength = t;
                    _endRaw = i;
                    return i;
                }

                i = end;
                continue;
            }

            // Another control character: not text.
            i++;
        }

        TextLength = t;
        _endRaw = raw.Length;
        return raw.Length;
    }

    /// <summary>
    /// Copies the text from <c>raw[start]</c> to the next control byte into <paramref name="text"/> (widened, one char
    /// per byte); returns its length. TUI output has an escape sequence every few bytes, so this is what a chunk costs:
    /// 16 bytes at a time with one vector compare, no call per run (measured, docs/benchmarks-store.md). May write up to
    /// 15 chars past the run (<paramref name="text"/> is at least as long as what is left of <paramref name="raw"/>).
    /// </summary>
    private static int CopyText(ReadOnlySpan<byte> raw, int start, Span<char> text)
    {
        // What makes the unchecked vector loads and stores below safe.
        if (text.Length < raw.Length - start)
        {
            throw new ArgumentException("the text buffer is shorter than the bytes", nameof(text));
        }

        var i = start;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var source = ref MemoryMarshal.GetReference(raw);
            ref var target = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var space = Vector128.Create((byte)0x20);
            var tab = Vector128.Create((byte)'\t');
            var lf = Vector128.Create((byte)'\n');
            var cr = Vector128.Create((byte)'\r');
            var del = Vector128.Create((byte)0x7F);
            while (i + Vector128<byte>.Count <= raw.Length)
            {
                var v = Vector128.LoadUnsafe(ref source, (nuint)i);
                var (lower, upper) = Vector128.Widen(v);
                lower.StoreUnsafe(ref target, (nuint)(i - start));
                upper.StoreUnsafe(ref target, (nuint)(i - start + Vector128<ushort>.Count));
                var controls = Vector128.AndNot(Vector128.LessThan(v, space), Vector128.Equals(v, tab) | Vector128.Equals(v, lf) | Vector128.Equals(v, cr))
                    | Vector128.Equals(v, del);
                var mask = controls.ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i - start + BitOperations.TrailingZeroCount(mask);
                }

                i += Vector128<byte>.Count;
            }
        }

        while (i < raw.Length && !IsControl(raw[i]))
        {
            text[i - start] = (char)raw[i];
            i++;
        }

        return i - start;
    }

    /// <summary>The bytes of <see cref="s_controls"/>: C0 controls other than TAB, LF, CR, and DEL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsControl(byte b) => b < 0x20 ? ((0xFFFFD9FFu >> b) & 1) != 0 : b == 0x7F;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddRun(int textIndex, int rawIndex)
    {
        if (_runCount == _runText.Length)
        {
            GrowRuns();
        }

        _runText[_runCount] = textIndex;
        _runRaw[_runCount] = rawIndex;
        _runCount++;
    }

    private void GrowRuns()
    {
        Array.Resize(ref _runText, _runCount * 2);
        Array.Resize(ref _runRaw, _runCount * 2);
    }

    /// <summary>The run of text that holds text index <paramref name="textIndex"/> (less than the text length).</summary>
    private int RunOf(int textIndex)
    {
        var r = _runText.AsSpan(0, _runCount).BinarySearch(textIndex);
        return r >= 0 ? r : ~r - 1;
    }

    /// <summary>
    /// The end of the escape sequence at <paramref name="i"/>, or -1 when the bytes end inside it. Control sequences
    /// (CSI) and short escapes are not text; of strings (OSC, DCS, …) only the ESC is dropped and their body stays
    /// text (a hyperlink with credentials, a title with a token are secrets too).
    /// </summary>
    private static int EscapeEnd(ReadOnlySpan<byte> raw, int i)
    {
        if (i + 1 >= raw.Length)
        {
            return -1;
        }

        var c = raw[i + 1];
        if (c == '[')
        {
            var j = i + 2;
            while (j < raw.Length && raw[j] is >= 0x20 and <= 0x3F && j - i < 64)
            {
                j++;
            }

            if (j >= raw.Length)
            {
                return -1;
            }

            return raw[j] is >= 0x40 and <= 0x7E ? j + 1 : j;
        }

        if (c is (byte)']' or (byte)'P' or (byte)'_' or (byte)'^' or (byte)'X' or (byte)'\\')
        {
            return i + 1;
        }

        if (c is >= 0x20 and <= 0x2F)
        {
            var j = i + 1;
            while (j < raw.Length && raw[j] is >= 0x20 and <= 0x2F && j - i < 8)
            {
                j++;
            }

            return j >= raw.Length ? -1 : j + 1;
        }

        return i + 2;
    }

    private int RawAt(int textIndex)
    {
        if (_identity)
        {
            return textIndex;
        }

        if (textIndex >= TextLength)
        {
            return _endRaw;
        }

        var r = RunOf(textIndex);
        return _runRaw[r] + textIndex - _runText[r];
    }

    private SecretMatchAt MatchAt(ReadOnlySpan<char> text, int pos, bool final)
    {
        var prev = pos == 0 ? _prev : text[pos - 1];
        var candidates = _rules.Candidates(text[pos]);
        var more = false;
        if (candidates is not null)
        {
            foreach (var rule in candidates)
            {
                if (pos + rule.Anchor.Length > text.Length || !text.Slice(pos, rule.Anchor.Length).Equals(rule.Anchor, rule.Comparison))
                {
                    continue;
                }

                if (rule.WordBoundary && char.IsAsciiLetterOrDigit(prev))
                {
                    continue;
                }

                var match = rule.Match(text, pos, final);
                if (match.Status is MatchStatus.Found or MatchStatus.FoundOpen)
                {
                    return new SecretMatchAt(match.Status, match.Start, match.End, match.Kind, rule);
                }

                more |= match.Status == MatchStatus.NeedMore;
            }
        }

        return new SecretMatchAt(more ? MatchStatus.NeedMore : MatchStatus.None, pos, pos, string.Empty, null);
    }

    /// <summary>The start of the longest tail of the text that is a proper prefix of an anchor, or -1.</summary>
    private int TailHold(ReadOnlySpan<char> text, int from)
    {
        var longest = Math.Min(_rules.MaxAnchorLength - 1, text.Length - from);
        for (var length = longest; length >= 1; length--)
        {
            var start = text.Length - length;
            var candidates = _rules.Candidates(text[start]);
            if (candidates is null)
            {
                continue;
            }

            var tail = text[start..];
            var prev = start == 0 ? _prev : text[start - 1];
            foreach (var rule in candidates)
            {
                if (rule.Anchor.Length > length && tail.Equals(rule.Anchor.AsSpan(0, length), rule.Comparison)
                    && !(rule.WordBoundary && char.IsAsciiLetterOrDigit(prev)))
                {
                    return start;
                }
            }
        }

        return -1;
    }

    private void Replace(ReadOnlySpan<byte> raw, ReadOnlySpan<char> text, SecretMatchAt match, IBufferWriter<byte> output, ref int emitted)
    {
        var rawStart = RawAt(match.Start);
        output.Write(raw[emitted..rawStart]);
        output.Write(Marker(match.Kind));
        WriteEscapes(raw, match.Start, match.End, output);
        emitted = RawAt(match.End - 1) + 1;
        Replacements++;
    }

    /// <summary>The non-text bytes (escape sequences) between the text characters of <c>[start, end)</c>.</summary>
    private void WriteEscapes(ReadOnlySpan<byte> raw, int start, int end, IBufferWriter<byte> output)
    {
        if (_identity)
        {
            return;
        }

        if (end - start < 2)
        {
            return;
        }

        // Between two runs of text lies what is not text.
        for (var r = RunOf(start) + 1; r < _runCount && _runText[r] < end; r++)
        {
            output.Write(raw[(_runRaw[r - 1] + _runText[r] - _runText[r - 1]).._runRaw[r]]);
        }
    }

    /// <summary>Inside a private key block that has no END line yet: drop its text up to the END line.</summary>
    private int ContinueOpen(ReadOnlySpan<byte> raw, ReadOnlySpan<char> text, IBufferWriter<byte> output, bool final, ref int emitted, out bool stillOpen)
    {
        var end = _open!.FindEnd(text);
        var upTo = end >= 0 ? end : final ? text.Length : Math.Max(0, text.Length - 64);
        if (upTo > 0)
        {
            output.Write(raw[..RawAt(0)]);
            WriteEscapes(raw, 0, upTo, output);
            emitted = RawAt(upTo - 1) + 1;
        }

        _openChars += upTo;
        stillOpen = end < 0 && _openChars < MaxOpenChars;
        if (!stillOpen)
        {
            _open = null;
        }

        return upTo;
    }

    /// <summary>Keeps <c>raw[from..]</c> for the next round; <paramref name="textIndex"/> is the first text character kept.</summary>
    private void Keep(ReadOnlySpan<byte> raw, int from, ReadOnlySpan<char> text, int textIndex)
    {
        if (textIndex > 0)
        {
            _prev = text[textIndex - 1];
        }

        var rest = raw[from..];
        EnsureHeld(rest.Length);
        rest.CopyTo(_held);
        _heldLength = rest.Length;
    }

    private void EnsureHeld(int length)
    {
        if (_held.Length < length)
        {
            Array.Resize(ref _held, Math.Max(length, _held.Length * 2));
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> s_markers = new(StringComparer.Ordinal);

    internal static byte[] Marker(string kind) => s_markers.GetOrAdd(kind, k => Encoding.ASCII.GetBytes("[redacted:" + k + "]"));

    private readonly record struct SecretMatchAt(MatchStatus Status, int Start, int End, string Kind, SecretRule? Rule);
}
