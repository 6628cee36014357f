namespace Coven.Terminal.Tests.Screen;

public sealed class WideCharTests
{
    [Theory]
    [InlineData("中", 2)]
    [InlineData("한", 2)]
    [InlineData("ｱ", 1)]
    [InlineData("Ａ", 2)]
    [InlineData("😀", 2)]
    [InlineData("é", 1)]
    [InlineData("─", 1)]
    public void Print_Character_AdvancesByItsWidth(string ch, int width)
    {
        var s = Vt.Screen(ch, columns: 10, rows: 1);
        Assert.Equal(width, s.CursorColumn);
        Assert.Equal(ch, s.Line(0));
    }

    [Fact]
    public void Print_WideAtLastColumn_WrapsWholeCharacter()
    {
        var s = Vt.Screen("abcd中", columns: 5, rows: 2);
        Assert.Equal(["abcd", "中"], s.Snapshot().Lines);
        Assert.Equal((1, 2), s.Cursor());
    }

    [Fact]
    public void Print_WideFillingLine_LeavesWrapPending()
    {
        var s = Vt.Screen("abc中", columns: 5, rows: 2);
        Assert.Equal((0, 4), s.Cursor());
        s.Write("x");
        Assert.Equal(["abc中", "x"], s.Snapshot().Lines);
    }

    [Fact]
    public void Overwrite_RightHalfOfWide_BlanksLeftHalf()
    {
        var s = Vt.Screen("中文\e[2Gx", columns: 6, rows: 1);
        Assert.Equal(" x文", s.Line(0));
    }

    [Fact]
    public void Overwrite_LeftHalfOfWide_BlanksRightHalf()
    {
        var s = Vt.Screen("中文\e[3Gx", columns: 6, rows: 1);
        Assert.Equal("中x", s.Line(0));
    }

    [Fact]
    public void DeleteCharacter_InsideWide_DoesNotLeaveHalfCharacter()
    {
        var s = Vt.Screen("a中b\e[3G\e[P", columns: 6, rows: 1);
        Assert.Equal("a b", s.Line(0));
    }

    [Fact]
    public void Snapshot_MixedWidths_RendersEachCharacterOnce()
    {
        var s = Vt.Screen("│日本語│ok", columns: 12, rows: 1);
        Assert.Equal("│日本語│ok", s.Line(0));
        Assert.Equal(10, s.CursorColumn);
    }

    [Fact]
    public void InsertCharacter_BeforeWide_MovesItWhole()
    {
        var s = Vt.Screen("a中b\e[2G\e[@", columns: 6, rows: 1);
        Assert.Equal("a 中b", s.Line(0));
    }

    [Fact]
    public void InsertCharacter_InsideWide_BlanksIt()
    {
        var s = Vt.Screen("a中b\e[3G\e[@", columns: 6, rows: 1);
        Assert.Equal("a   b", s.Line(0));
    }

    [Fact]
    public void Print_WideAtLastColumnOverText_WrapsAndKeepsLastCell()
    {
        var s = Vt.Screen("abcde\r\e[4C中", columns: 5, rows: 2);
        Assert.Equal(["abcde", "中"], s.Snapshot().Lines);
    }
}
