using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Coven.Core.Redaction;
using Coven.TestSupport;

namespace Coven.Core.Tests;

public sealed partial class RedactionTests
{
    public static TheoryData<string, string, string> Samples()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (printed, secret, kind) in SecretSamples.All)
        {
            data.Add(printed, secret, kind);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Each_kind_is_redacted_whole(string printed, string secret, string kind)
    {
        var output = Redact(printed);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.Contains("[redacted:" + kind + "]", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_secret_split_across_two_writes_at_any_point_is_redacted(string printed, string secret, string kind)
    {
        var whole = Redact(printed);
        var bytes = Encoding.UTF8.GetBytes(printed);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var output = RedactChunks(bytes, [cut]);
            Assert.Equal(whole, output);
        }

        Assert.Contains(kind, whole, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, whole, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Escape_sequences_between_the_characters_do_not_hide_a_secret(string printed, string secret, string kind)
    {
        // A TUI redrawing: a colour change, a cursor move and a title string between characters, one write each.
        var noisy = new StringBuilder();
        var i = 0;
        foreach (var c in printed)
        {
            noisy.Append(c);
            noisy.Append((i++ % 3) switch { 0 => "\e[38;5;196m", 1 => "\e[1C\e[D", _ => "\e[0m" });
        }

        var bytes = Encoding.UTF8.GetBytes(noisy.ToString());
        var cuts = Enumerable.Range(1, bytes.Length - 1).Where(k => k % 7 == 0).ToArray();
        var output = RedactChunks(bytes, cuts);
        var visible = StripEscapes(output);
        Assert.DoesNotContain(secret, visible, StringComparison.Ordinal);
        Assert.Contains("[redacted:" + kind + "]", visible, StringComparison.Ordinal);

        // The escape sequences survive (terminal state is kept) and the text around the secret is untouched.
        Assert.Equal(StripEscapes(Redact(printed)), visible);
        Assert.Equal(Regex.Count(noisy.ToString(), "\e\\[0m"), Regex.Count(output, "\e\\[0m"));
    }

    [Fact]
    public void Random_chunking_of_text_with_secrets_and_utf8_keeps_everything_else_byte_for_byte()
    {
        var random = new Random(15);
        var parts = new List<string>();
        var expected = new StringBuilder();
        foreach (var (printed, _, _) in SampleRows())
        {
            parts.Add("héllo wörld ✓ 𝄞 ");
            parts.Add(printed);
        }

        var text = string.Concat(parts);
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var round = 0; round < 50; round++)
        {
            var cuts = new SortedSet<int>();
            while (cuts.Count < 40)
            {
                cuts.Add(random.Next(1, bytes.Length));
            }

            Assert.Equal(Redact(text), RedactChunks(bytes, [.. cuts]));
        }

        var redacted = Redact(text);
        foreach (var (_, secret, _) in SampleRows())
        {
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        }

        Assert.Equal(SampleRows().Count, Regex.Count(redacted, "héllo wörld ✓ 𝄞 "));
    }

    [Fact]
    public void Escape_sequences_at_random_places_in_long_and_short_runs_of_text_do_not_hide_a_secret()
    {
        // Runs of text of every length between escape sequences (the redactor copies short runs and long ones
        // differently), over every kind with UTF-8 around, in random chunks.
        var random = new Random(1515);
        var plain = string.Concat(SampleRows().Select(r => "héllo wörld ✓ 𝄞 " + r.Printed + "\r\n"));
        string[] escapes = ["\e[38;5;196m", "\e[1C\e[D", "\e[0m", "\e[2K", "\a", "\e[12;40H"];
        for (var round = 0; round < 20; round++)
        {
            var noisy = new StringBuilder();
            var next = random.Next(0, 40);
            var inserted = 0;
            for (var i = 0; i < plain.Length; i++)
            {
                if (i == next && !char.IsLowSurrogate(plain[i]))
                {
                    noisy.Append(escapes[random.Next(escapes.Length)]);
                    inserted++;
                    next = i + random.Next(random.Next(2) == 0 ? 3 : 40);
                }
                else if (i == next)
                {
                    next++;
                }

                noisy.Append(plain[i]);
            }

            var bytes = Encoding.UTF8.GetBytes(noisy.ToString());
            var cuts = new SortedSet<int>();
            while (cuts.Count < 30)
            {
                cuts.Add(random.Next(1, bytes.Length));
            }

            var output = RedactChunks(bytes, [.. cuts]);
            Assert.Equal(Redact(plain), StripEscapes(output).Replace("\a", string.Empty, StringComparison.Ordinal));
            Assert.Equal(inserted, escapes.Sum(e => CountOf(output, e == "\e[1C\e[D" ? "\e[1C" : e)));
        }

        static int CountOf(string text, string what) => (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;
    }

    [Theory]
    [InlineData("task-1234567890abcdefABCDEF done")]
    [InlineData("pip install sk-learn-compatible-estimators")]
    [InlineData("max_tokens=4096 input_tokens: 12")]
    [InlineData("password=$DB_PASSWORD")]
    [InlineData("token == other")]
    [InlineData("Basic configuration")]
    [InlineData("the bearer of bad news")]
    [InlineData("ssh://git@github.com/x")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")]
    [InlineData("Authorization is required")]
    public void Ordinary_text_is_left_alone(string text) => Assert.Equal(text, Redact(text));

    [Fact]
    public void Random_base64_bulk_output_is_left_alone()
    {
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        var text = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks);
        Assert.Equal(text, Redact(text));
    }

    [Fact]
    public void Held_text_is_released_by_flush_and_only_a_possible_prefix_is_held()
    {
        var redactor = new StreamRedactor(RedactionRules.Default);
        var output = new ArrayBufferWriter<byte>();
        redactor.Write("echo kkk"u8, output);
        Assert.Equal("echo kkk", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(0, redactor.HeldBytes);

        redactor.Write(" gh"u8, output);
        Assert.Equal("echo kkk ", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(2, redactor.HeldBytes);

        redactor.Flush(output);
        Assert.Equal("echo kkk gh", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(0, redactor.HeldBytes);
    }

    [Fact]
    public void A_held_back_tail_is_bounded()
    {
        var redactor = new StreamRedactor(RedactionRules.Default);
        var output = new ArrayBufferWriter<byte>();
        redactor.Write("password=\""u8, output);
        for (var i = 0; i < 100; i++)
        {
            redactor.Write(Encoding.ASCII.GetBytes(new string('x', 1000)), output);
            Assert.True(redactor.HeldBytes <= StreamRedactor.MaxHold + 1000, $"held {redactor.HeldBytes}");
        }
    }

    [Fact]
    public void A_private_key_longer_than_the_hold_is_still_redacted_to_its_end()
    {
        var body = string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw\n", 600));
        var pem = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----\nafter\n";
        var bytes = Encoding.UTF8.GetBytes(pem);
        var output = RedactChunks(bytes, [.. Enumerable.Range(1, bytes.Length / 4096).Select(k => k * 4096)]);
        Assert.DoesNotContain("QUJDREVG", output, StringComparison.Ordinal);
        Assert.StartsWith("before\n[redacted:private-key]", output, StringComparison.Ordinal);
        Assert.EndsWith("\nafter\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_add_patterns_allow_values_and_disable_kinds()
    {
        var rules = RedactionRules.Parse("""
            {
              // comments are allowed
              "patterns": [ { "name": "acme-key", "prefix": "acme_", "regex": "acme_[0-9a-f]{16}" } ],
              "allow": [ "AKIAZ7Q3XK4M2PLR8VWN" ],
              "disable": [ "jwt" ],
              "holdMs": 40
            }
            """);
        Assert.Equal(40, rules.HoldMs);
        Assert.Equal("k=[redacted:acme-key] x", rules.Redact("k=acme_0123456789abcdef x"));
        Assert.Equal("acme_short", rules.Redact("acme_short"));
        Assert.Equal("id AKIAZ7Q3XK4M2PLR8VWN", rules.Redact("id AKIAZ7Q3XK4M2PLR8VWN"));
        Assert.Equal("id [redacted:aws-access-key-id]", rules.Redact("id AKIAQQQQXK4M2PLR8VWN"));
        const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r";
        Assert.Equal(Jwt, rules.Redact(Jwt));

        var bytes = Encoding.UTF8.GetBytes("x acme_0123456789abcdef y");
        Assert.Equal("x [redacted:acme-key] y", RedactChunks(bytes, [8], rules));
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"disable\": [\"nope\"]}", "not a built-in kind")]
    [InlineData("{\"patterns\": [{\"name\": \"x\", \"prefix\": \"\", \"regex\": \"a\"}]}", "prefix")]
    [InlineData("{\"patterns\": [{\"name\": \"x\", \"prefix\": \"ab\", \"regex\": \"(\"}]}", "")]
    [InlineData("{\"holdMs\": 50000}", "holdMs")]
    public void A_bad_settings_file_keeps_the_built_in_rules_and_says_why(string json, string message)
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, RedactionRules.FileName), json);
        var rules = RedactionRules.Load(home.Path, out var error);
        Assert.NotNull(error);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Same(RedactionRules.Default, rules);
        Assert.Equal("[redacted:github-token]", rules.Redact("ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"));
    }

    private static IReadOnlyList<(string Printed, string Secret, string Kind)> SampleRows() => SecretSamples.All;

    private static string Redact(string text) => RedactionRules.Default.Redact(text);

    private static string RedactChunks(byte[] bytes, int[] cuts, RedactionRules? rules = null)
    {
        var redactor = new StreamRedactor(rules ?? RedactionRules.Default);
        var output = new ArrayBufferWriter<byte>();
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            redactor.Write(bytes.AsSpan(from, cut - from), output);
            from = cut;
        }

        redactor.Flush(output);
        Assert.True(System.Text.Unicode.Utf8.IsValid(output.WrittenSpan));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string StripEscapes(string text) => EscapePattern().Replace(text, string.Empty);

    [GeneratedRegex("\e\\[[0-9;]*[A-Za-z]")]
    private static partial Regex EscapePattern();
}
