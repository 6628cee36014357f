namespace Coven.Terminal.Tests.Screen;

public sealed class InsertDeleteTests
{
    [Fact]
    public void InsertCharacters_Count_ShiftsRightAndDropsOverflow()
    {
        var s = Vt.Screen("abcdef\e[2G\e[2@", columns: 6, rows: 1);
        Assert.Equal("a  bcd", s.Line(0));
        Assert.Equal((0, 1), s.Cursor());
    }

    [Fact]
    public void DeleteCharacters_Count_ShiftsLeftAndBlanksEnd()
    {
        var s = Vt.Screen("abcdef\e[2G\e[2P", columns: 6, rows: 1);
        Assert.Equal("adef", s.Line(0));
    }

    [Fact]
    public void DeleteCharacters_MoreThanRemaining_ClearsToEnd()
    {
        var s = Vt.Screen("abcdef\e[3G\e[99P", columns: 6, rows: 1);
        Assert.Equal("ab", s.Line(0));
    }

    [Fact]
    public void InsertLines_InsideScreen_PushesLinesDownAndDropsBottom()
    {
        var s = Vt.Screen("1\r\n2\r\n3\r\n4\e[2;3H\e[2L", columns: 5, rows: 4);
        Assert.Equal(["1", "", "", "2"], s.Snapshot().Lines);
        Assert.Equal((1, 2), s.Cursor());
    }

    [Fact]
    public void DeleteLines_InsideScreen_PullsLinesUp()
    {
        var s = Vt.Screen("1\r\n2\r\n3\r\n4\e[2H\e[2M", columns: 5, rows: 4);
        Assert.Equal(["1", "4", "", ""], s.Snapshot().Lines);
        Assert.Empty(s.ScrollbackLines);
    }

    [Fact]
    public void InsertMode_Printing_ShiftsExistingText()
    {
        var s = Vt.Screen("world\r\e[4hhello \e[4lX", columns: 20, rows: 1);
        Assert.Equal("hello Xorld", s.Line(0));
    }

    [Fact]
    public void RepeatCharacter_Count_RepeatsLastPrinted()
    {
        var s = Vt.Screen("-\e[4b|", columns: 10, rows: 1);
        Assert.Equal("-----|", s.Line(0));
    }

    [Theory]
    [InlineData("a\e[2b\e[2bX", "aaaX")]
    [InlineData("b\r\e[3bY", "Y")]
    [InlineData("c\e[1m\e[2bZ", "cZ")]
    [InlineData("d\e[Ce\e[2b", "d eee")]
    public void RepeatCharacter_AfterAnotherControl_RepeatsNothing(string input, string expected)
    {
        // Expected values are what tmux 3.3a shows for the same input.
        var s = Vt.Screen(input, columns: 10, rows: 1);
        Assert.Equal(expected, s.Line(0));
    }
}
