namespace Coven.Terminal.Tests.Screen;

public sealed class SgrTests
{
    private static string Ansi(string text) => Vt.Screen(text, columns: 10, rows: 1).RenderAnsi();

    [Fact]
    public void RenderAnsi_PlainText_HasNoStyleChanges()
    {
        Assert.Equal("\e[0mhi", Ansi("hi"));
    }

    [Theory]
    [InlineData("\e[1m", "1")]
    [InlineData("\e[2m", "2")]
    [InlineData("\e[3m", "3")]
    [InlineData("\e[4m", "4")]
    [InlineData("\e[4:3m", "4")]
    [InlineData("\e[21m", "4")]
    [InlineData("\e[5m", "5")]
    [InlineData("\e[7m", "7")]
    [InlineData("\e[8m", "8")]
    [InlineData("\e[9m", "9")]
    [InlineData("\e[1;3;4m", "1;3;4")]
    public void RenderAnsi_Attribute_IsRendered(string sgr, string expected)
    {
        Assert.Equal($"\e[0m\e[0;{expected}mX\e[0m", Ansi(sgr + "X"));
    }

    [Theory]
    [InlineData("\e[31m", "31")]
    [InlineData("\e[97m", "97")]
    [InlineData("\e[42m", "42")]
    [InlineData("\e[103m", "103")]
    [InlineData("\e[38;5;208m", "38;5;208")]
    [InlineData("\e[38:5:208m", "38;5;208")]
    [InlineData("\e[38;5;3m", "33")]
    [InlineData("\e[48;5;12m", "104")]
    [InlineData("\e[38;2;1;2;3m", "38;2;1;2;3")]
    [InlineData("\e[38:2::1:2:3m", "38;2;1;2;3")]
    [InlineData("\e[38:2:1:2:3m", "38;2;1;2;3")]
    [InlineData("\e[48;2;255;128;0m", "48;2;255;128;0")]
    [InlineData("\e[58;5;3;1m", "1")]
    public void RenderAnsi_Colour_IsRendered(string sgr, string expected)
    {
        Assert.Equal($"\e[0m\e[0;{expected}mX\e[0m", Ansi(sgr + "X"));
    }

    [Theory]
    [InlineData("\e[1;31m\e[0m")]
    [InlineData("\e[1;31m\e[m")]
    [InlineData("\e[1m\e[22m")]
    [InlineData("\e[2m\e[22m")]
    [InlineData("\e[3m\e[23m")]
    [InlineData("\e[4m\e[24m")]
    [InlineData("\e[4m\e[4:0m")]
    [InlineData("\e[5m\e[25m")]
    [InlineData("\e[7m\e[27m")]
    [InlineData("\e[8m\e[28m")]
    [InlineData("\e[9m\e[29m")]
    [InlineData("\e[31m\e[39m")]
    [InlineData("\e[41m\e[49m")]
    public void RenderAnsi_Reset_RestoresDefault(string sgr)
    {
        Assert.Equal("\e[0mX", Ansi(sgr + "X"));
    }

    [Fact]
    public void RenderAnsi_StyleRuns_EmitOneSequencePerChange()
    {
        Assert.Equal("\e[0m\e[0;31mab\e[0mc\e[0;1;32md\e[0m", Ansi("\e[31mab\e[0mc\e[1;32md"));
    }

    [Fact]
    public void RenderAnsi_MultipleRows_SeparatedByCrLf()
    {
        var s = Vt.Screen("a\r\n\e[7mb", columns: 4, rows: 3);
        Assert.Equal("\e[0ma\r\n\e[0;7mb\e[0m\r\n", s.RenderAnsi());
    }

    [Fact]
    public void Snapshot_StyledText_IsPlainText()
    {
        Assert.Equal("ab", Vt.Screen("\e[1;38;5;200ma\e[0mb", columns: 5, rows: 1).Line(0));
    }
}
