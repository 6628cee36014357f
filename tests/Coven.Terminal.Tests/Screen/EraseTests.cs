namespace Coven.Terminal.Tests.Screen;

public sealed class EraseTests
{
    private const string Filled = "aaaaa\r\nbbbbb\r\nccccc\r\nddddd";

    [Fact]
    public void EraseInDisplay_Zero_ClearsFromCursorToEnd()
    {
        var s = Vt.Screen(Filled + "\e[2;3H\e[J", columns: 5, rows: 4);
        Assert.Equal(["aaaaa", "bb", "", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void EraseInDisplay_One_ClearsFromStartThroughCursor()
    {
        var s = Vt.Screen(Filled + "\e[2;3H\e[1J", columns: 5, rows: 4);
        Assert.Equal(["", "   bb", "ccccc", "ddddd"], s.Snapshot().Lines);
    }

    [Fact]
    public void EraseInDisplay_Two_ClearsAllAndKeepsCursor()
    {
        var s = Vt.Screen(Filled + "\e[2;3H\e[2J", columns: 5, rows: 4);
        Assert.All(s.Snapshot().Lines, l => Assert.Equal("", l));
        Assert.Equal((1, 2), s.Cursor());
    }

    [Fact]
    public void EraseInDisplay_Three_ClearsScrollbackOnly()
    {
        var s = Vt.Screen("1\r\n2\r\n3\r\n4", columns: 5, rows: 2);
        Assert.Equal(["1", "2"], s.ScrollbackLines);
        s.Write("\e[3J");
        Assert.Empty(s.ScrollbackLines);
        Assert.Equal(["3", "4"], s.Snapshot().Lines);
    }

    [Theory]
    [InlineData("\e[K", "ab")]
    [InlineData("\e[0K", "ab")]
    [InlineData("\e[1K", "   de")]
    [InlineData("\e[2K", "")]
    public void EraseInLine_Modes_ClearTheRightPart(string seq, string expected)
    {
        var s = Vt.Screen("abcde\e[3G" + seq, columns: 5, rows: 2);
        Assert.Equal(expected, s.Line(0));
        Assert.Equal((0, 2), s.Cursor());
    }

    [Fact]
    public void EraseCharacters_Count_BlanksWithoutMovingOrShifting()
    {
        var s = Vt.Screen("abcdefgh\e[3G\e[3X", columns: 10, rows: 2);
        Assert.Equal("ab   fgh", s.Line(0));
        Assert.Equal((0, 2), s.Cursor());
    }

    [Fact]
    public void Erase_WithBackgroundColour_FillsWithThatBackground()
    {
        var s = Vt.Screen("\e[41m\e[2J\e[0m", columns: 3, rows: 1);
        Assert.Equal("\e[0m\e[0;41m   \e[0m", s.RenderAnsi());
    }
}
