namespace Coven.Terminal.Tests.Screen;

public sealed class ResizeTests
{
    [Fact]
    public void Resize_Larger_KeepsContentTopLeft()
    {
        var s = Vt.Screen("ab\r\ncd", columns: 4, rows: 2);
        s.Resize(8, 4);
        Assert.Equal(8, s.Columns);
        Assert.Equal(4, s.Rows);
        Assert.Equal(["ab", "cd", "", ""], s.Snapshot().Lines);
        Assert.Equal((1, 2), s.Cursor());
    }

    [Fact]
    public void Resize_Smaller_CropsAndClampsCursor()
    {
        var s = Vt.Screen("abcdef\r\nghijkl\r\nmnopqr\e[3;6H", columns: 6, rows: 3);
        s.Resize(3, 2);
        Assert.Equal(["abc", "ghi"], s.Snapshot().Lines);
        Assert.Equal((1, 2), s.Cursor());
    }

    [Fact]
    public void Resize_CuttingWideCharacter_DropsIt()
    {
        var s = Vt.Screen("ab中", columns: 6, rows: 1);
        s.Resize(3, 1);
        Assert.Equal("ab", s.Line(0));
    }

    [Fact]
    public void Resize_ResetsScrollRegion()
    {
        var s = Vt.Screen("\e[2;3r", columns: 5, rows: 5);
        s.Resize(5, 4);
        s.Write("\e[4Hx\n");
        Assert.Equal(["", "", "x", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void Resize_OnAltScreen_ResizesBothScreens()
    {
        var s = Vt.Screen("main\e[?1049h\e[Halt", columns: 6, rows: 2);
        s.Resize(10, 3);
        Assert.Equal(["alt", "", ""], s.Snapshot().Lines);
        s.Write("\e[?1049l");
        Assert.Equal(["main", "", ""], s.Snapshot().Lines);
        Assert.Equal(10, s.Snapshot().Columns);
    }

    [Fact]
    public void Resize_ThenPrint_WrapsAtNewWidth()
    {
        var s = new TerminalScreen(10, 2);
        s.Resize(4, 2);
        s.Write("abcdef");
        Assert.Equal(["abcd", "ef"], s.Snapshot().Lines);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5, 3)]
    public void Constructor_NonPositiveSize_IsClampedToOne(int columns, int rows)
    {
        var s = new TerminalScreen(columns, rows);
        Assert.True(s.Columns >= 1);
        Assert.True(s.Rows >= 1);
        s.Write("hello\r\nworld");
    }

    [Fact]
    public void Resize_Huge_IsClampedToBound()
    {
        var s = new TerminalScreen(80, 24);
        s.Resize(100_000, 100_000);
        Assert.Equal(1024, s.Columns);
        Assert.Equal(512, s.Rows);
        Assert.Equal(512, s.Snapshot().Lines.Count);
    }
}
