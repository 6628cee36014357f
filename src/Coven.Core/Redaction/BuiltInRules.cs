using System.Buffers;
using System.Buffers.Text;

namespace Coven.Core.Redaction;

/// <summary>Character classes of the built-in rules.</summary>
internal static class SecretChars
{
    public static readonly SearchValues<char> Alnum = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    public static readonly SearchValues<char> UpperDigit = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    public static readonly SearchValues<char> Word = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    public static readonly SearchValues<char> Base64Url = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
    public static readonly SearchValues<char> Base64 = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
    public static readonly SearchValues<char> Bearer = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=-");
    public static readonly SearchValues<char> SlackPath = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/");
    public static readonly SearchValues<char> Identifier = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
    public static readonly SearchValues<char> PemLabel = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ");

    /// <summary>What ends an unquoted assignment value.</summary>
    public static readonly SearchValues<char> ValueEnd = SearchValues.Create(" \t\r\n\"'`,;&)}]<>\\");

    /// <summary>What ends the userinfo part of a URL without an <c>@</c>.</summary>
    public static readonly SearchValues<char> UserInfoEnd = SearchValues.Create("@/?# \t\r\n\"'<>`\\");
}

/// <summary>A fixed prefix and a body of one character class: GitHub, OpenAI/Anthropic, AWS key ids, Slack.</summary>
internal sealed class TokenRule(string name, string anchor, SearchValues<char> body, int minBody, int exactBody = 0, Func<ReadOnlySpan<char>, string?>? check = null)
    : SecretRule(name, anchor, caseSensitive: true, wordBoundary: true)
{
    // Longer than any real token; a longer run is redacted up to here and the scan goes on after it.
    private const int MaxBody = 4096;

    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var start = pos + Anchor.Length;
        var end = RunEnd(text, start, body);
        if (end == text.Length && !final && end - start < MaxBody)
        {
            return SecretMatch.More;
        }

        end = Math.Min(end, start + MaxBody);
        var length = end - start;
        if (length < minBody || (exactBody > 0 && length != exactBody))
        {
            return SecretMatch.NoMatch;
        }

        // An exact-length id must not be followed by more word characters (checked by the body class for the rest).
        if (exactBody > 0 && end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
        {
            return SecretMatch.NoMatch;
        }

        var kind = Name;
        if (check is not null)
        {
            if (check(text[start..end]) is not { } checkedKind)
            {
                return SecretMatch.NoMatch;
            }

            kind = checkedKind;
        }

        return Found(pos, end, kind);
    }
}

/// <summary>JSON Web Tokens: three base64url segments, the first starting <c>eyJ</c> (<c>{"</c>).</summary>
internal sealed class JwtRule() : SecretRule("jwt", "eyJ", caseSensitive: true, wordBoundary: true)
{
    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var i = pos;
        for (var segment = 0; segment < 3; segment++)
        {
            var end = RunEnd(text, i, SecretChars.Base64Url);
            if (end == text.Length && !final && end - pos < 16384)
            {
                return SecretMatch.More;
            }

            if (end - i < (segment == 2 ? 8 : 10))
            {
                return SecretMatch.NoMatch;
            }

            if (segment == 2)
            {
                return Found(pos, end);
            }

            if (end >= text.Length || text[end] != '.')
            {
                return SecretMatch.NoMatch;
            }

            i = end + 1;
        }

        return SecretMatch.NoMatch;
    }
}

/// <summary>PEM private key blocks (<c>-----BEGIN … PRIVATE KEY-----</c> to the END line), whatever the key type.</summary>
internal sealed class PemRule() : SecretRule("private-key", "-----BEGIN ", caseSensitive: true, wordBoundary: false)
{
    private const int MaxLabel = 64;

    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var labelStart = pos + Anchor.Length;
        var labelEnd = RunEnd(text, labelStart, SecretChars.PemLabel);
        if (labelEnd - labelStart > MaxLabel)
        {
            return SecretMatch.NoMatch;
        }

        if (labelEnd + 5 > text.Length)
        {
            return final ? SecretMatch.NoMatch : SecretMatch.More;
        }

        if (!text.Slice(labelEnd, 5).SequenceEqual("-----") || !text[labelStart..labelEnd].Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return SecretMatch.NoMatch;
        }

        var end = FindEnd(text[(labelEnd + 5)..]);
        if (end >= 0)
        {
            return Found(pos, labelEnd + 5 + end);
        }

        // Without its END line yet: wait for it (the stream redactor bounds the wait), or redact to the end and
        // keep redacting until the END line arrives.
        return final ? new SecretMatch(MatchStatus.FoundOpen, pos, text.Length, Name) : SecretMatch.More;
    }

    public override int FindEnd(ReadOnlySpan<char> text)
    {
        var at = text.IndexOf("-----END ", StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }

        var labelEnd = RunEnd(text, at + 9, SecretChars.PemLabel);
        return labelEnd + 5 <= text.Length && text.Slice(labelEnd, 5).SequenceEqual("-----") ? labelEnd + 5 : -1;
    }
}

/// <summary><c>Bearer TOKEN</c> (16+ token characters with a digit) and <c>Basic BASE64</c> (decoding to <c>user:password</c>).</summary>
internal sealed class SchemeRule(string name, string anchor, bool basic) : SecretRule(name, anchor, caseSensitive: false, wordBoundary: true)
{
    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var start = pos + Anchor.Length;
        var end = RunEnd(text, start, basic ? SecretChars.Base64 : SecretChars.Bearer);
        if (end == text.Length && !final && end - start < 8192)
        {
            return SecretMatch.More;
        }

        var value = text[start..end];
        return (basic ? IsBasicCredential(value) : value.Length >= 16 && value.IndexOfAnyInRange('0', '9') >= 0)
            ? Found(start, end)
            : SecretMatch.NoMatch;
    }

    internal static bool IsBasicCredential(ReadOnlySpan<char> value)
    {
        if (value.Length < 8 || value.Length % 4 != 0 || value.Length > 4096)
        {
            return false;
        }

        Span<byte> ascii = stackalloc byte[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            ascii[i] = (byte)value[i];
        }

        Span<byte> decoded = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(value.Length)];
        if (Base64.DecodeFromUtf8(ascii, decoded, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        var plain = decoded[..written];
        return plain.IndexOf((byte)':') > 0 && plain.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0;
    }
}

/// <summary><c>Authorization: SCHEME VALUE</c> (header or assignment): the value, whatever the scheme.</summary>
internal sealed class AuthorizationRule() : SecretRule("auth-header", "authorization", caseSensitive: false, wordBoundary: false)
{
    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var i = pos + Anchor.Length;
        if (i < text.Length && text[i] is '"' or '\'')
        {
            i++;
        }

        i = SkipSpaces(text, i);
        if (i >= text.Length)
        {
            return final ? SecretMatch.NoMatch : SecretMatch.More;
        }

        if (text[i] is not (':' or '='))
        {
            return SecretMatch.NoMatch;
        }

        i = SkipSpaces(text, i + 1);
        if (i < text.Length && text[i] is '"' or '\'')
        {
            i++;
        }

        var firstEnd = RunEnd(text, i, SecretChars.Bearer);
        if (firstEnd == text.Length && !final)
        {
            return SecretMatch.More;
        }

        var first = text[i..firstEnd];
        var valueStart = i;
        var valueEnd = firstEnd;
        if (first.Length is > 0 and <= 20 && first.IndexOfAnyExceptInRange('A', 'z') < 0 && firstEnd < text.Length && text[firstEnd] == ' ')
        {
            // A scheme (Bearer, Basic, token, …): the value follows it.
            valueStart = SkipSpaces(text, firstEnd);
            valueEnd = RunEnd(text, valueStart, SecretChars.Bearer);
            if (valueEnd == text.Length && !final)
            {
                return SecretMatch.More;
            }
        }

        return valueEnd - valueStart >= 8 ? Found(valueStart, valueEnd) : SecretMatch.NoMatch;
    }
}

/// <summary><c>scheme://user:password@host</c>: the user and password.</summary>
internal sealed class UrlCredentialsRule() : SecretRule("url-credentials", "://", caseSensitive: true, wordBoundary: false)
{
    private const int MaxUserInfo = 512;

    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var start = pos + Anchor.Length;
        if (start >= text.Length)
        {
            return final ? SecretMatch.NoMatch : SecretMatch.More;
        }

        var rest = text[start..];
        var stop = rest.IndexOfAny(SecretChars.UserInfoEnd);
        if (stop < 0)
        {
            return !final && rest.Length < MaxUserInfo ? SecretMatch.More : SecretMatch.NoMatch;
        }

        if (rest[stop] != '@' || stop > MaxUserInfo)
        {
            return SecretMatch.NoMatch;
        }

        var colon = rest[..stop].IndexOf(':');
        return colon >= 0 && colon < stop - 1 ? Found(start, start + stop) : SecretMatch.NoMatch;
    }
}

/// <summary>
/// <c>NAME=value</c>, <c>NAME: value</c> and <c>"NAME": "value"</c> where NAME contains the keyword
/// (<c>DB_PASSWORD=…</c>, <c>"client_secret": "…"</c>, <c>?token=…</c>): the value.
/// </summary>
internal sealed class AssignmentRule(string name, string keyword, bool colonUnquoted) : SecretRule(name, keyword, caseSensitive: false, wordBoundary: false)
{
    private const int MaxValue = 4096;

    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        var i = pos + Anchor.Length;
        if (i >= text.Length)
        {
            return final ? SecretMatch.NoMatch : SecretMatch.More;
        }

        // "tokens", "secretary", "passwords": another word. "secretKey", "token_id", "password2": the same one.
        if (char.IsAsciiLetterLower(text[i]) && !(Anchor.EndsWith('_') || Anchor.EndsWith('-')))
        {
            return SecretMatch.NoMatch;
        }

        var nameEnd = RunEnd(text, i, SecretChars.Identifier);
        if (nameEnd == text.Length)
        {
            return final || nameEnd - pos > 128 ? SecretMatch.NoMatch : SecretMatch.More;
        }

        var identifier = text[pos..nameEnd];
        i = nameEnd;
        var quotedName = text[i] is '"' or '\'';
        if (quotedName)
        {
            i++;
        }

        i = SkipSpaces(text, i);
        if (i >= text.Length)
        {
            return final ? SecretMatch.NoMatch : SecretMatch.More;
        }

        var separator = text[i];
        if (!(separator == '=' || (separator == ':' && (quotedName || colonUnquoted))))
        {
            return SecretMatch.NoMatch;
        }

        i++;
        if (i < text.Length && text[i] is '=' or ':')
        {
            // "==" is a comparison, ":=" / "::" are not assignments of a literal.
            return SecretMatch.NoMatch;
        }

        i = SkipSpaces(text, i);
        if (i >= text.Length)
        {
            return final ? SecretMatch.NoMatch : SecretMatch.More;
        }

        int valueStart, valueEnd;
        if (text[i] is '"' or '\'')
        {
            var quote = text[i];
            valueStart = i + 1;
            var close = text[valueStart..].IndexOfAny(quote, '\n');
            if (close < 0)
            {
                if (!final && text.Length - valueStart < MaxValue)
                {
                    return SecretMatch.More;
                }

                close = Math.Min(text.Length - valueStart, MaxValue);
            }

            valueEnd = valueStart + close;
        }
        else
        {
            valueStart = i;
            var stop = text[valueStart..].IndexOfAny(SecretChars.ValueEnd);
            if (stop < 0)
            {
                if (!final && text.Length - valueStart < MaxValue)
                {
                    return SecretMatch.More;
                }

                stop = Math.Min(text.Length - valueStart, MaxValue);
            }

            valueEnd = valueStart + stop;
        }

        return IsValue(text[valueStart..valueEnd]) ? Found(valueStart, valueEnd, KindOf(identifier)) : SecretMatch.NoMatch;
    }

    private string KindOf(ReadOnlySpan<char> identifier)
    {
        Span<char> squeezed = stackalloc char[Math.Min(identifier.Length, 128)];
        var n = 0;
        foreach (var c in identifier)
        {
            if (char.IsAsciiLetterOrDigit(c) && n < squeezed.Length)
            {
                squeezed[n++] = char.ToLowerInvariant(c);
            }
        }

        return squeezed[..n].Contains("secretaccesskey", StringComparison.Ordinal) || squeezed[..n].Contains("awssecret", StringComparison.Ordinal)
            ? "aws-secret-key"
            : Name;
    }

    /// <summary>Not a placeholder, a reference or a plain number.</summary>
    private static bool IsValue(ReadOnlySpan<char> value)
    {
        if (value.Length < 3 || value.IndexOfAnyExceptInRange('0', '9') < 0 || value.IndexOfAnyExcept('*') < 0)
        {
            return false;
        }

        if (value[0] is '$' or '%' or '{' or '<' || value.StartsWith("[redacted:", StringComparison.Ordinal))
        {
            return false;
        }

        return !(value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase)
            || value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase)
            || value.Equals("undefined", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>A user pattern from the settings file: a literal prefix and a regular expression matched where it starts.</summary>
internal sealed class UserRule(string name, string prefix, System.Text.RegularExpressions.Regex regex, bool ignoreCase)
    : SecretRule(name, prefix, caseSensitive: !ignoreCase, wordBoundary: false)
{
    private const int MaxMatch = 1024;

    public override SecretMatch Match(ReadOnlySpan<char> text, int pos, bool final)
    {
        foreach (var m in regex.EnumerateMatches(text, pos))
        {
            if (m.Index != pos || m.Length == 0)
            {
                break;
            }

            var end = pos + m.Length;
            return end == text.Length && !final && m.Length < MaxMatch ? SecretMatch.More : Found(pos, end);
        }

        return !final && text.Length - pos < MaxMatch ? SecretMatch.More : SecretMatch.NoMatch;
    }
}
