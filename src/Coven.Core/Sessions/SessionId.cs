using System.Diagnostics.CodeAnalysis;

namespace Coven.Core;

/// <summary>
/// A session id: a UUIDv7 in its canonical lowercase form, so ids sort by creation time as strings.
/// </summary>
public readonly record struct SessionId
{
    private SessionId(string value) => Value = value;

    public string Value { get; }

    private static readonly Lock s_gate = new();
    private static long s_lastMs;
    private static int s_counter;

    /// <summary>
    /// A new UUIDv7 that is strictly greater than the previous one from this process. Guid.CreateVersion7 is only
    /// ordered to the millisecond; here the 12-bit rand_a field is a counter within a millisecond (RFC 9562,
    /// method 1), so ids created in a burst still list in creation order.
    /// </summary>
    public static SessionId New()
    {
        long ms;
        int counter;
        lock (s_gate)
        {
            ms = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), s_lastMs);
            if (ms == s_lastMs)
            {
                if (++s_counter > 0xFFF)
                {
                    ms++;
                    s_counter = Random.Shared.Next(0x400);
                }
            }
            else
            {
                s_counter = Random.Shared.Next(0x400);
            }

            s_lastMs = ms;
            counter = s_counter;
        }

        Span<byte> b = stackalloc byte[16];
        Random.Shared.NextBytes(b[8..]);
        b[0] = (byte)(ms >> 40);
        b[1] = (byte)(ms >> 32);
        b[2] = (byte)(ms >> 24);
        b[3] = (byte)(ms >> 16);
        b[4] = (byte)(ms >> 8);
        b[5] = (byte)ms;
        b[6] = (byte)(0x70 | ((counter >> 8) & 0x0F));
        b[7] = (byte)counter;
        b[8] = (byte)(0x80 | (b[8] & 0x3F));
        return new SessionId(new Guid(b, bigEndian: true).ToString("D"));
    }

    /// <summary>Parses an exact id (any UUID in canonical 8-4-4-4-12 form); anything else is rejected.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out SessionId id)
    {
        if (text is { Length: 36 } && Guid.TryParseExact(text, "D", out var guid))
        {
            id = new SessionId(guid.ToString("D"));
            return true;
        }

        id = default;
        return false;
    }

    public static SessionId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a session id.");

    public override string ToString() => Value ?? string.Empty;
}
