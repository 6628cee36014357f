namespace Coven.Core.Cast;

/// <summary>
/// Parses Cast Codes (grammar in docs/cast-codes.md). Total: every input yields a code or an error with the
/// column and what was expected. Names are restricted to <c>[a-z0-9][a-z0-9._-]{0,63}</c>, so nothing a user types
/// into a name can smuggle path separators, quotes or control characters into later steps.
/// </summary>
public static class CastParser
{
    /// <summary>Longest accepted code, in characters (a delegate task or broadcast text can be long, not unbounded).</summary>
    public const int MaxLength = 16 * 1024;

    public const int MaxNameLength = 64;

    private const string Expected = "'?', '>', 'delegate:', 'broadcast', '^ resume' or '<handoff'";

    public static CastParseResult Parse(string? input)
    {
        if (input is null)
        {
            return Fail(1, "'~'", "empty cast code");
        }

        if (input.Length > MaxLength)
        {
            return Fail(MaxLength + 1, "end of input", $"cast code is longer than {MaxLength} characters");
        }

        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if ((c < ' ' && c != '\t' && c != '\n') || c == '\u007f' || char.IsSurrogate(c) && !IsValidSurrogateAt(input, i))
            {
                return Fail(i + 1, "a printable character", $"control or invalid character U+{(int)c:X4} at column {i + 1}");
            }
        }

        var s = new Cursor(input.TrimEnd());
        s.SkipSpaces();
        if (!s.Eat('~'))
        {
            return Fail(s.Column, "'~'", "a cast code starts with '~'");
        }

        if (s.Eat('?'))
        {
            if (s.AtEnd)
            {
                return Ok(new CastCode { Kind = CastKind.Status });
            }

            var target = s.Word();
            if (!IsName(target) && !IsIdPrefix(target))
            {
                return Fail(s.Column - target.Length, "a familiar name or session id prefix", $"'{Clip(target)}' is not a familiar name or session id prefix");
            }

            return s.AtEnd ? Ok(new CastCode { Kind = CastKind.Status, Name = target }) : Fail(s.Column, "end of input", "unexpected text after the status target");
        }

        if (s.Eat('>'))
        {
            return ParseName(ref s, "familiar name", out var name) ?? (s.AtEnd
                ? Ok(new CastCode { Kind = CastKind.Switch, Name = name })
                : Fail(s.Column, "end of input", "unexpected text after the familiar name"));
        }

        if (s.EatWord("delegate:"))
        {
            if (ParseName(ref s, "familiar name", out var name) is { } err)
            {
                return err;
            }

            if (!s.SkipSpaces())
            {
                return Fail(s.Column, "a space and the task", "~delegate:NAME needs a task after the name");
            }

            var task = s.Rest();
            return task.Length == 0
                ? Fail(s.Column, "the task", "~delegate:NAME needs a task")
                : Ok(new CastCode { Kind = CastKind.Delegate, Name = name, Text = task });
        }

        if (s.EatWord("broadcast"))
        {
            if (!s.SkipSpaces())
            {
                return Fail(s.Column, "a space", "~broadcast needs targets and text");
            }

            var names = new List<string>();
            if (!s.Eat('*'))
            {
                do
                {
                    if (ParseName(ref s, "'*' or familiar names separated by ','", out var n) is { } err)
                    {
                        return err;
                    }

                    names.Add(n);
                }
                while (s.Eat(','));
            }

            if (!s.SkipSpaces())
            {
                return Fail(s.Column, "a space and the text", "~broadcast needs text after the targets");
            }

            var text = s.Rest();
            return text.Length == 0
                ? Fail(s.Column, "the text", "~broadcast needs text")
                : Ok(new CastCode { Kind = CastKind.Broadcast, Names = names.Distinct(StringComparer.Ordinal).ToList(), Text = text });
        }

        if (s.Eat('^'))
        {
            s.SkipSpaces();
            if (!s.EatWord("resume"))
            {
                return Fail(s.Column, "'resume'", "~^ must be followed by 'resume'");
            }

            if (s.AtEnd)
            {
                return Ok(new CastCode { Kind = CastKind.Resume });
            }

            if (!s.SkipSpaces())
            {
                return Fail(s.Column, "a space", "expected a space before the session");
            }

            var session = s.Word();
            if (!IsIdPrefix(session))
            {
                return Fail(s.Column - session.Length, "a session id or prefix", $"'{Clip(session)}' is not a session id or prefix");
            }

            return s.AtEnd ? Ok(new CastCode { Kind = CastKind.Resume, Session = session }) : Fail(s.Column, "end of input", "unexpected text after the session");
        }

        if (s.Eat('<'))
        {
            if (!s.EatWord("handoff"))
            {
                return Fail(s.Column, "'handoff'", "~< must be followed by 'handoff'");
            }

            string? session = null;
            string? to = null;
            while (!s.AtEnd)
            {
                if (!s.SkipSpaces())
                {
                    return Fail(s.Column, "a space", "expected a space");
                }

                var start = s.Column;
                var word = s.Word();
                if (word.StartsWith("to:", StringComparison.Ordinal))
                {
                    if (to is not null)
                    {
                        return Fail(start, "end of input", "to: given twice");
                    }

                    to = word[3..];
                    if (!IsName(to))
                    {
                        return Fail(start + 3, "a familiar name", $"'{Clip(to)}' is not a familiar name");
                    }
                }
                else if (session is null && to is null && IsIdPrefix(word))
                {
                    session = word;
                }
                else
                {
                    return Fail(start, session is null && to is null ? "a session id or 'to:NAME'" : "'to:NAME' or end of input", $"unexpected '{Clip(word)}'");
                }
            }

            return Ok(new CastCode { Kind = CastKind.Handoff, Session = session, Name = to });
        }

        return Fail(s.Column, Expected, "unknown cast code");
    }

    /// <summary>Familiar names: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public static bool IsName(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxNameLength || !IsLowerAlnum(text[0]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsLowerAlnum(c) && c != '.' && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIdPrefix(string text)
    {
        if (text.Length is < 4 or > 36)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static bool IsValidSurrogateAt(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);

    private static CastParseResult? ParseName(ref Cursor s, string expected, out string name)
    {
        var start = s.Column;
        name = s.Name();
        if (name.Length == 0)
        {
            return Fail(start, expected, $"expected {expected}");
        }

        return IsName(name) ? null : Fail(start, expected, $"'{Clip(name)}' is not a valid familiar name ([a-z0-9][a-z0-9._-], at most {MaxNameLength})");
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static CastParseResult Ok(CastCode code) => new() { Code = code };

    private static CastParseResult Fail(int column, string expected, string message) =>
        new() { Error = new CastParseError(column, expected, message) };

    /// <summary>A position in the input; columns are 1-based.</summary>
    private ref struct Cursor(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public readonly bool AtEnd => _pos >= _text.Length;

        public readonly int Column => _pos + 1;

        public bool Eat(char c)
        {
            if (!AtEnd && _text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        public bool EatWord(string word)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                return true;
            }

            return false;
        }

        /// <summary>Skips spaces and tabs; true when at least one was skipped.</summary>
        public bool SkipSpaces()
        {
            var start = _pos;
            while (!AtEnd && (_text[_pos] == ' ' || _text[_pos] == '\t'))
            {
                _pos++;
            }

            return _pos > start;
        }

        /// <summary>Characters up to the next space, tab or end.</summary>
        public string Word()
        {
            var start = _pos;
            while (!AtEnd && _text[_pos] != ' ' && _text[_pos] != '\t')
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        /// <summary>Characters up to a space, tab, ',' or end (a name inside a list).</summary>
        public string Name()
        {
            var start = _pos;
            while (!AtEnd && _text[_pos] != ' ' && _text[_pos] != '\t' && _text[_pos] != ',')
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        public string Rest()
        {
            var rest = _text[_pos..];
            _pos = _text.Length;
            return rest;
        }
    }
}
