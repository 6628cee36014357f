using System.Text;

namespace Coven.Terminal.Tests.Screen;

public sealed class Utf8Tests
{
    [Fact]
    public void Feed_MultiByteSplitAcrossCalls_DecodesOnce()
    {
        var bytes = Encoding.UTF8.GetBytes("a€b😀c");
        for (int split = 0; split <= bytes.Length; split++)
        {
            var s = new TerminalScreen(10, 1);
            s.Feed(bytes.AsSpan(0, split));
            s.Feed(bytes.AsSpan(split));
            Assert.Equal("a€b😀c", s.Line(0));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 }, "a\uFFFDb")]
    [InlineData(new byte[] { 0x61, 0x80, 0x62 }, "a\uFFFDb")]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82, 0x62 }, "a\uFFFDb")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xE0, 0x80, 0x80 }, "\uFFFD\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\uFFFD\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, "\uFFFD\uFFFD\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xE2, 0x82, 0x1B, 0x5B, 0x43, 0x78 }, "\uFFFD x")]
    public void Feed_InvalidUtf8_PrintsReplacementCharacters(byte[] input, string expected)
    {
        var s = new TerminalScreen(10, 1);
        s.Feed(input);
        Assert.Equal(expected, s.Line(0));
    }

    [Fact]
    public void Feed_C1ControlAsUtf8_IsNotPrinted()
    {
        var s = new TerminalScreen(10, 1);
        s.Feed([0x61, 0xC2, 0x9B, 0x62]);
        Assert.Equal("ab", s.Line(0));
    }

    [Fact]
    public void Feed_Utf8AfterStrayEscape_PrintsCharacterAndFollowingText()
    {
        var s = Vt.Screen("\e\u00e9x", columns: 5, rows: 1);
        Assert.Equal("\u00e9x", s.Line(0));
    }
}
