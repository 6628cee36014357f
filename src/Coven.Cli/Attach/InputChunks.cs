namespace Coven.Cli.Attach;

/// <summary>
/// Splits keystrokes (a paste may be megabytes) into pieces the daemon accepts in one input request, cutting only
/// where neither a UTF-8 character nor an escape sequence (a key, a bracketed paste's <c>ESC[200~</c>/<c>ESC[201~</c>)
/// would be torn apart. The program reads the pieces back to back, so a bracketed paste stays one paste.
/// </summary>
internal static class InputChunks
{
    /// <summary>The default piece size: well under the daemon's 64 KiB input limit, even once JSON-escaped in a 1 MiB body.</summary>
    public const int DefaultMax = 16 * 1024;

    // An escape sequence longer than this is not a key: it may be cut like text.
    private const int MaxSequence = 64;

    /// <summary>The length of the first piece of <paramref name="data"/>: all of it when it fits in <paramref name="max"/> bytes.</summary>
    public static int FirstLength(ReadOnlySpan<byte> data, int max)
    {
        if (data.Length <= max)
        {
            return data.Length;
        }

        // The last place before max where a cut tears nothing; scanning from the start keeps escape state exact.
        var safe = 0;
        var i = 0;
        while (i < max)
        {
            var length = UnitLength(data, i);
            if (i + length > max)
            {
                break;
            }

            i += length;
            safe = i;
        }

        if (safe > 0)
        {
            return safe;
        }

        // One unit longer than a piece (an escape string of many KiB): cut it at a character boundary.
        var cut = max;
        while (cut > 1 && (data[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return cut;
    }

    /// <summary>The bytes of the unit at <paramref name="at"/>: a UTF-8 character, one byte, or an escape sequence.</summary>
    private static int UnitLength(ReadOnlySpan<byte> data, int at)
    {
        var b = data[at];
        if (b == 0x1B)
        {
            return EscapeLength(data, at);
        }

        var expected = b switch
        {
            >= 0xF5 => 1,
            >= 0xF0 => 4,
            >= 0xE0 => 3,
            >= 0xC2 => 2,
            _ => 1,
        };

        var n = 1;
        while (n < expected && at + n < data.Length && (data[at + n] & 0xC0) == 0x80)
        {
            n++;
        }

        return n;
    }

    private static int EscapeLength(ReadOnlySpan<byte> data, int at)
    {
        if (at + 1 >= data.Length)
        {
            return 1;
        }

        var next = data[at + 1];
        if (next == 'O')
        {
            // SS3: ESC O A (an application cursor key or F1-F4).
            return Math.Min(3, data.Length - at);
        }

        if (next != '[')
        {
            // Alt+key, or ESC on its own before another ESC.
            return next == 0x1B ? 1 : 2;
        }

        for (var j = at + 2; j < data.Length && j - at < MaxSequence; j++)
        {
            if (data[j] is >= 0x40 and <= 0x7E)
            {
                return j - at + 1;
            }
        }

        // Unterminated or overlong: not a key, treat the ESC [ as two bytes of text.
        return 2;
    }
}
