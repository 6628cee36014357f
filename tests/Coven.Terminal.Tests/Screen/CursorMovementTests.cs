namespace Coven.Terminal.Tests.Screen;

public sealed class CursorMovementTests
{
    [Theory]
    [InlineData("\e[3;5H", 2, 4)]
    [InlineData("\e[3;5f", 2, 4)]
    [InlineData("\e[H", 0, 0)]
    [InlineData("\e[;7H", 0, 6)]
    [InlineData("\e[99;99H", 4, 19)]
    [InlineData("\e[0;0H", 0, 0)]
    public void CursorPosition_Params_MovesToOneBasedPositionClamped(string seq, int row, int column)
    {
        var s = Vt.Screen(seq);
        Assert.Equal((row, column), s.Cursor());
    }

    [Fact]
    public void CursorUpDownForwardBack_Counts_MoveAndClampAtEdges()
    {
        var s = Vt.Screen("\e[3;10H\e[2A");
        Assert.Equal((0, 9), s.Cursor());
        s.Write("\e[A");
        Assert.Equal((0, 9), s.Cursor());
        s.Write("\e[3B");
        Assert.Equal((3, 9), s.Cursor());
        s.Write("\e[9B");
        Assert.Equal((4, 9), s.Cursor());
        s.Write("\e[4C");
        Assert.Equal((4, 13), s.Cursor());
        s.Write("\e[100C");
        Assert.Equal((4, 19), s.Cursor());
        s.Write("\e[5D");
        Assert.Equal((4, 14), s.Cursor());
        s.Write("\e[0D");
        Assert.Equal((4, 13), s.Cursor());
        s.Write("\e[100D");
        Assert.Equal((4, 0), s.Cursor());
    }

    [Fact]
    public void CursorHorizontalAbsolute_PlacesWordsOnTheSameLine()
    {
        // Claude Code positions words with CHA instead of spaces.
        var s = Vt.Screen("\e[2;1Hone\e[6Gtwo\e[12Gthree\e[G>");
        Assert.Equal(">ne  two   three", s.Line(1));
        Assert.Equal((1, 1), s.Cursor());
    }

    [Fact]
    public void NextAndPreviousLine_MoveRowsAndReturnToColumnZero()
    {
        var s = Vt.Screen("\e[2;8H\e[2E");
        Assert.Equal((3, 0), s.Cursor());
        s.Write("\e[5G\e[3F");
        Assert.Equal((0, 0), s.Cursor());
    }

    [Fact]
    public void LinePositionAbsoluteAndCharacterAbsolute_KeepTheOtherCoordinate()
    {
        var s = Vt.Screen("\e[2;6H\e[4d");
        Assert.Equal((3, 5), s.Cursor());
        s.Write("\e[9`");
        Assert.Equal((3, 8), s.Cursor());
        s.Write("\e[2a\e[e");
        Assert.Equal((4, 10), s.Cursor());
    }

    [Fact]
    public void ControlCharacters_CarriageReturnLineFeedBackspace_MoveCursor()
    {
        var s = Vt.Screen("abc\bX\r\nde\b\bY");
        Assert.Equal("abX", s.Line(0));
        Assert.Equal("Ye", s.Line(1));
        Assert.Equal((1, 1), s.Cursor());
        s.Write("\b\b\b");
        Assert.Equal((1, 0), s.Cursor());
    }

    [Fact]
    public void LineFeed_AtBottom_ScrollsAndKeepsColumn()
    {
        var s = Vt.Screen("1\r\n2\r\n3\r\n4\r\n5\r\n6ab", columns: 10, rows: 5);
        Assert.Equal(["2", "3", "4", "5", "6ab"], s.Snapshot().Lines);
        s.Write("\n");
        Assert.Equal((4, 3), s.Cursor());
        Assert.Equal("", s.Line(4));
    }

    [Fact]
    public void IndexNextLineReverseIndex_EscSequences_MoveAndScroll()
    {
        var s = Vt.Screen("top\e[3;4H\eDx", columns: 10, rows: 5);
        Assert.Equal((3, 4), s.Cursor());
        s.Write("\eEy");
        Assert.Equal("y", s.Line(4));
        s.Write("\e[H\eMnew");
        Assert.Equal("new", s.Line(0));
        Assert.Equal("top", s.Line(1));
    }
}
