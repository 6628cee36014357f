using Coven.Core.Cast;

namespace Coven.Core.Tests;

public sealed class CastParserTests
{
    [Fact]
    public void Parse_StatusAll() => Assert.Equal(new CastCode { Kind = CastKind.Status }, Ok("~?"));

    [Theory]
    [InlineData("~?scout", "scout")]
    [InlineData("~?0193a5f0", "0193a5f0")]
    [InlineData("  ~?builder  ", "builder")]
    public void Parse_StatusOfTarget(string input, string target)
    {
        var code = Ok(input);
        Assert.Equal(CastKind.Status, code.Kind);
        Assert.Equal(target, code.Name);
    }

    [Fact]
    public void Parse_Switch()
    {
        var code = Ok("~>builder");
        Assert.Equal(CastKind.Switch, code.Kind);
        Assert.Equal("builder", code.Name);
    }

    [Fact]
    public void Parse_Delegate_KeepsTaskVerbatim()
    {
        var code = Ok("~delegate:claude fix the   flaky tests; then run `make`");
        Assert.Equal(CastKind.Delegate, code.Kind);
        Assert.Equal("claude", code.Name);
        Assert.Equal("fix the   flaky tests; then run `make`", code.Text);
    }

    [Fact]
    public void Parse_BroadcastAll()
    {
        var code = Ok("~broadcast * stop editing package.json");
        Assert.Equal(CastKind.Broadcast, code.Kind);
        Assert.Empty(code.Names);
        Assert.Equal("stop editing package.json", code.Text);
    }

    [Fact]
    public void Parse_BroadcastNamed_Deduplicates()
    {
        var code = Ok("~broadcast scout,builder,scout use pnpm");
        Assert.Equal(["scout", "builder"], code.Names);
        Assert.Equal("use pnpm", code.Text);
    }

    [Theory]
    [InlineData("~^ resume", null)]
    [InlineData("~^resume", null)]
    [InlineData("~^ resume 0193a5f0-12", "0193a5f0-12")]
    public void Parse_Resume(string input, string? session)
    {
        var code = Ok(input);
        Assert.Equal(CastKind.Resume, code.Kind);
        Assert.Equal(session, code.Session);
    }

    [Theory]
    [InlineData("~<handoff", null, null)]
    [InlineData("~<handoff 0193a5f0", "0193a5f0", null)]
    [InlineData("~<handoff to:scout", null, "scout")]
    [InlineData("~<handoff 0193a5f0 to:scout", "0193a5f0", "scout")]
    public void Parse_Handoff(string input, string? session, string? to)
    {
        var code = Ok(input);
        Assert.Equal(CastKind.Handoff, code.Kind);
        Assert.Equal(session, code.Session);
        Assert.Equal(to, code.Name);
    }

    [Theory]
    [InlineData("", 1, "'~'")]
    [InlineData("?", 1, "'~'")]
    [InlineData("~", 2, "'?', '>'")]
    [InlineData("~!", 2, "'?', '>'")]
    [InlineData("~>", 3, "familiar name")]
    [InlineData("~>Bad", 3, "familiar name")]
    [InlineData("~>a b", 4, "end of input")]
    [InlineData("~delegate:", 11, "familiar name")]
    [InlineData("~delegate:claude", 17, "a space and the task")]
    [InlineData("~delegate:../../etc fix", 11, "familiar name")]
    [InlineData("~broadcast", 11, "a space")]
    [InlineData("~broadcast *", 13, "a space and the text")]
    [InlineData("~broadcast a,,b hi", 14, "familiar names")]
    [InlineData("~^ go", 4, "'resume'")]
    [InlineData("~^ resume not-an-id!", 11, "session id")]
    [InlineData("~<handon", 3, "'handoff'")]
    [InlineData("~<handoff to:", 14, "familiar name")]
    [InlineData("~<handoff to:a to:b", 16, "end of input")]
    [InlineData("~<handoff to:a 0193a5f0", 16, "'to:NAME' or end of input")]
    [InlineData("~?UPPER", 3, "familiar name or session id prefix")]
    public void Parse_Invalid_ReportsColumnAndExpectation(string input, int column, string expected)
    {
        var r = CastParser.Parse(input);

        Assert.False(r.Ok);
        Assert.Equal(column, r.Error.Column);
        Assert.Contains(expected, r.Error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("~delegate:claude fix\0tests")]
    [InlineData("~delegate:claude \u001b[31mred")]
    [InlineData("~broadcast * \u007f")]
    public void Parse_ControlCharacters_AreRejectedWithTheirColumn(string input)
    {
        var r = CastParser.Parse(input);

        Assert.False(r.Ok);
        Assert.Contains("control", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnicodeTask_IsKept()
    {
        Assert.Equal("修复测试 🧪 — ñ", Ok("~delegate:scout 修复测试 🧪 — ñ").Text);
    }

    [Fact]
    public void Parse_LoneSurrogate_IsRejected()
    {
        Assert.False(CastParser.Parse("~delegate:scout a\ud800b").Ok);
    }

    [Fact]
    public void Parse_VeryLong_IsRejectedNotProcessed()
    {
        var r = CastParser.Parse("~delegate:scout " + new string('x', CastParser.MaxLength));

        Assert.False(r.Ok);
        Assert.Contains("longer than", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NameLongerThanLimit_IsRejected()
    {
        Assert.False(CastParser.Parse("~>" + new string('a', CastParser.MaxNameLength + 1)).Ok);
        Assert.True(CastParser.Parse("~>" + new string('a', CastParser.MaxNameLength)).Ok);
    }

    [Theory]
    [InlineData("~>scout;rm")]
    [InlineData("~>scout$(id)")]
    [InlineData("~>sc\"out")]
    [InlineData("~>../scout")]
    [InlineData("~delegate:scout/../x task")]
    public void Parse_InjectionInNames_IsRejected(string input) => Assert.False(CastParser.Parse(input).Ok);

    [Fact]
    public void Parse_RandomInputs_NeverThrow()
    {
        var random = new Random(1234);
        const string alphabet = "~?><^:*, abcdelgtohnfrsu0123456789-\t\n\u00e9\ud83d\ude00\0";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var r = CastParser.Parse(new string(chars));
            Assert.True(r.Ok ^ (r.Error is not null));
            if (r.Error is { } e)
            {
                Assert.InRange(e.Column, 1, chars.Length + 1);
            }
        }
    }

    private static CastCode Ok(string input)
    {
        var r = CastParser.Parse(input);
        Assert.True(r.Ok, r.Error?.Message);
        return r.Code;
    }
}
