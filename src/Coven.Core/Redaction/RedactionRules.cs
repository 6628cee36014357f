using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coven.Core.Redaction;

/// <summary>
/// The secrets Coven replaces with <c>[redacted:KIND]</c> before anything is written (docs/redaction.md): the
/// built-in kinds, minus the ones <c>redaction.json</c> in COVEN_HOME disables, plus its own patterns, minus its
/// allow-list. Immutable and thread-safe; each stream gets its own <see cref="StreamRedactor"/>.
/// </summary>
public sealed class RedactionRules
{
    public const string FileName = "redaction.json";

    /// <summary>How long a stream holds back a possible secret prefix waiting for the rest (default).</summary>
    public const int DefaultHoldMs = 15;

    private static readonly Lazy<RedactionRules> s_default = new(() => new RedactionRules(BuiltIn(), [], DefaultHoldMs));

    private readonly List<SecretRule>?[] _byFirstChar = new List<SecretRule>?[128];
    private readonly HashSet<string> _allow;

    private RedactionRules(IReadOnlyList<SecretRule> rules, IEnumerable<string> allow, int holdMs)
    {
        Rules = rules;
        _allow = new HashSet<string>(allow, StringComparer.Ordinal);
        HoldMs = holdMs;
        // Two searches, not one case-insensitive one over every anchor: the case-sensitive anchors (tokens) searched
        // ordinally give a fraction of the candidates and run faster (measured, docs/benchmarks-store.md).
        ExactAnchors = AnchorSearch(rules.Where(r => r.CaseSensitive), StringComparison.Ordinal);
        IgnoreCaseAnchors = AnchorSearch(rules.Where(r => !r.CaseSensitive), StringComparison.OrdinalIgnoreCase);
        MaxAnchorLength = rules.Count == 0 ? 0 : rules.Max(r => r.Anchor.Length);
        foreach (var rule in rules.OrderByDescending(r => r.Anchor.Length))
        {
            foreach (var first in new[] { char.ToLowerInvariant(rule.Anchor[0]), char.ToUpperInvariant(rule.Anchor[0]) }.Distinct())
            {
                if (first < 128)
                {
                    (_byFirstChar[first] ??= []).Add(rule);
                }
            }
        }
    }

    /// <summary>The built-in rules only.</summary>
    public static RedactionRules Default => s_default.Value;

    /// <summary>The kinds of the built-in rules, as they appear in <c>[redacted:KIND]</c>.</summary>
    public static IReadOnlyList<string> BuiltInKinds { get; } =
    [
        "openai-api-key", "anthropic-api-key", "github-token", "aws-access-key-id", "aws-secret-key", "slack-token",
        "slack-webhook", "jwt", "private-key", "bearer-token", "basic-auth", "auth-header", "url-credentials",
        "password", "secret", "token", "api-key",
    ];

    public int HoldMs { get; }

    internal IReadOnlyList<SecretRule> Rules { get; }

    /// <summary>The anchors of the case-sensitive rules (null when there are none).</summary>
    internal SearchValues<string>? ExactAnchors { get; }

    /// <summary>The anchors of the case-insensitive rules (null when there are none).</summary>
    internal SearchValues<string>? IgnoreCaseAnchors { get; }

    internal int MaxAnchorLength { get; }

    private static SearchValues<string>? AnchorSearch(IEnumerable<SecretRule> rules, StringComparison comparison)
    {
        string[] anchors = [.. rules.Select(r => r.Anchor).Distinct(StringComparer.FromComparison(comparison))];
        return anchors.Length == 0 ? null : SearchValues.Create(anchors, comparison);
    }

    internal List<SecretRule>? Candidates(char first) => first < 128 ? _byFirstChar[first] : null;

    internal bool IsAllowed(ReadOnlySpan<char> value) =>
        _allow.Count > 0 && _allow.GetAlternateLookup<ReadOnlySpan<char>>().Contains(value);

    /// <summary>
    /// The rules of <c>COVEN_HOME/redaction.json</c>; the built-in ones when there is no such file. A file that cannot
    /// be used never weakens redaction: the built-in rules apply and <paramref name="error"/> says what is wrong.
    /// </summary>
    public static RedactionRules Load(string covenHome, out string? error)
    {
        error = null;
        var path = Path.Combine(covenHome, FileName);
        string json;
        try
        {
            if (!File.Exists(path))
            {
                return Default;
            }

            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: {e.Message}";
            return Default;
        }

        try
        {
            return Parse(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or RegexParseException)
        {
            error = $"{path}: {e.Message} (the built-in rules apply)";
            return Default;
        }
    }

    /// <summary>Parses a settings document (the format of <c>redaction.json</c>); throws <see cref="FormatException"/> when it is wrong.</summary>
    public static RedactionRules Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the settings must be a JSON object");
        }

        var disabled = Strings(root, "disable");
        foreach (var kind in disabled)
        {
            if (!BuiltInKinds.Contains(kind, StringComparer.Ordinal))
            {
                throw new FormatException($"\"disable\": '{kind}' is not a built-in kind ({string.Join(", ", BuiltInKinds)})");
            }
        }

        var rules = BuiltIn().Where(r => !disabled.Contains(r.Name, StringComparer.Ordinal)).ToList();
        var holdMs = DefaultHoldMs;
        if (root.TryGetProperty("holdMs", out var hold))
        {
            if (!hold.TryGetInt32(out holdMs) || holdMs is < 0 or > 10000)
            {
                throw new FormatException("\"holdMs\" must be an integer in 0..10000");
            }
        }

        if (root.TryGetProperty("patterns", out var patterns))
        {
            if (patterns.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("\"patterns\" must be an array");
            }

            foreach (var p in patterns.EnumerateArray())
            {
                var name = Text(p, "name");
                var prefix = Text(p, "prefix");
                var pattern = Text(p, "regex");
                if (name.Length == 0 || name.AsSpan().IndexOfAnyExcept(SecretChars.Identifier) >= 0)
                {
                    throw new FormatException($"pattern name '{name}' must be letters, digits, '_', '-' or '.'");
                }

                if (prefix.Length < 2 || prefix.Any(c => c >= 128 || char.IsControl(c)))
                {
                    throw new FormatException($"pattern '{name}': \"prefix\" must be at least 2 printable ASCII characters (the literal text every match starts with)");
                }

                var ignoreCase = p.TryGetProperty("ignoreCase", out var ic) && ic.ValueKind == JsonValueKind.True;
                var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
                var regex = new Regex(@"\G(?:" + pattern + ")", options, TimeSpan.FromMilliseconds(100));
                rules.Add(new UserRule(name, prefix, regex, ignoreCase));
            }
        }

        if (rules.Count == 0)
        {
            throw new FormatException("every rule is disabled and no pattern is given; nothing would be redacted");
        }

        return new RedactionRules(rules, Strings(root, "allow"), holdMs);
    }

    /// <summary>One text redacted as a whole (a log line, an input, a handoff document).</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var output = new ArrayBufferWriter<byte>(bytes.Length + 32);
        if (!Redact(bytes, output))
        {
            return text;
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Bytes redacted as a whole; false (and nothing written) when nothing was replaced.</summary>
    public bool Redact(ReadOnlySpan<byte> bytes, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var redactor = new StreamRedactor(this);
        var scratch = new ArrayBufferWriter<byte>(bytes.Length + 32);
        redactor.Write(bytes, scratch);
        redactor.Flush(scratch);
        if (redactor.Replacements == 0)
        {
            return false;
        }

        output.Write(scratch.WrittenSpan);
        return true;
    }

    private static List<SecretRule> BuiltIn()
    {
        var rules = new List<SecretRule>();
        foreach (var prefix in new[] { "ghp_", "gho_", "ghs_", "ghu_", "ghr_" })
        {
            rules.Add(new TokenRule("github-token", prefix, SecretChars.Alnum, minBody: 30));
        }

        rules.Add(new TokenRule("github-token", "github_pat_", SecretChars.Word, minBody: 22));
        rules.Add(new TokenRule("openai-api-key", "sk-", SecretChars.Base64Url, minBody: 20, check: OpenAiOrAnthropic));
        rules.Add(new TokenRule("aws-access-key-id", "AKIA", SecretChars.UpperDigit, minBody: 16, exactBody: 16));
        rules.Add(new TokenRule("aws-access-key-id", "ASIA", SecretChars.UpperDigit, minBody: 16, exactBody: 16));
        foreach (var prefix in new[] { "xoxa-", "xoxb-", "xoxe-", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "xapp-" })
        {
            rules.Add(new TokenRule("slack-token", prefix, SecretChars.Base64Url, minBody: 10));
        }

        rules.Add(new TokenRule("slack-webhook", "hooks.slack.com/services/", SecretChars.SlackPath, minBody: 20));
        rules.Add(new JwtRule());
        rules.Add(new PemRule());
        rules.Add(new SchemeRule("bearer-token", "bearer ", basic: false));
        rules.Add(new SchemeRule("basic-auth", "basic ", basic: true));
        rules.Add(new AuthorizationRule());
        rules.Add(new UrlCredentialsRule());
        rules.Add(new AssignmentRule("password", "password", colonUnquoted: true));
        rules.Add(new AssignmentRule("password", "passwd", colonUnquoted: true));
        rules.Add(new AssignmentRule("secret", "secret", colonUnquoted: true));
        rules.Add(new AssignmentRule("token", "token", colonUnquoted: false));
        rules.Add(new AssignmentRule("api-key", "api_key", colonUnquoted: false));
        rules.Add(new AssignmentRule("api-key", "apikey", colonUnquoted: false));
        rules.Add(new AssignmentRule("api-key", "api-key", colonUnquoted: false));
        rules.Add(new AssignmentRule("api-key", "access_key", colonUnquoted: false));
        return rules;
    }

    /// <summary>Random keys mix upper case, lower case and digits; <c>sk-learn-compatible-estimators</c> does not.</summary>
    private static string? OpenAiOrAnthropic(ReadOnlySpan<char> body) =>
        body.IndexOfAnyInRange('A', 'Z') < 0 || body.IndexOfAnyInRange('a', 'z') < 0 || body.IndexOfAnyInRange('0', '9') < 0
            ? null
            : body.StartsWith("ant-", StringComparison.Ordinal) ? "anthropic-api-key" : "openai-api-key";

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"every pattern needs a string \"{name}\"");

    private static List<string> Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array))
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw new FormatException($"\"{name}\" must be an array of strings");
        }

        return [.. array.EnumerateArray().Select(v => v.GetString()!)];
    }
}
