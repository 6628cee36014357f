using System.Diagnostics.CodeAnalysis;

namespace Coven.Core;

/// <summary>
/// A session id: a UUIDv7 in its canonical lowercase form, so ids sort by creation time as strings.
/// </summary>
public readonly record struct SessionId
{
    private SessionId(string value) => Value = value;

    public string Value { get; }

    public static SessionId New() => new(Guid.CreateVersion7().ToString("D"));

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
