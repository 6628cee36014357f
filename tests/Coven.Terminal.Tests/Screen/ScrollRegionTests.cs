namespace Coven.Terminal.Tests.Screen;

public sealed class ScrollRegionTests
{
    private const string Numbers = "1\r\n2\r\n3\r\n4\r\n5";

    [Fact]
    public void SetScrollRegion_Valid_HomesCursor()
    {
        var s = Vt.Screen(Numbers + "\e[2;4r", columns: 5, rows: 5);
        Assert.Equal((0, 0), s.Cursor());
    }

    [Fact]
    public void LineFeed_AtRegionBottom_ScrollsOnlyTheRegion()
    {
        var s = Vt.Screen(Numbers + "\e[2;4r\e[4Hx\n", columns: 5, rows: 5);
        Assert.Equal(["1", "3", "x", "", "5"], s.Snapshot().Lines);
        Assert.Equal((3, 1), s.Cursor());
        Assert.Empty(s.ScrollbackLines);
    }

    [Fact]
    public void ReverseIndex_AtRegionTop_ScrollsRegionDown()
    {
        var s = Vt.Screen(Numbers + "\e[2;4r\e[2H\eM", columns: 5, rows: 5);
        Assert.Equal(["1", "", "2", "3", "5"], s.Snapshot().Lines);
    }

    [Fact]
    public void ScrollUpAndDown_InRegion_MoveRegionContent()
    {
        var s = Vt.Screen(Numbers + "\e[2;4r\e[S", columns: 5, rows: 5);
        Assert.Equal(["1", "3", "4", "", "5"], s.Snapshot().Lines);
        s.Write("\e[2T");
        Assert.Equal(["1", "", "", "3", "5"], s.Snapshot().Lines);
    }

    [Fact]
    public void InsertLines_InRegion_StayInsideRegion()
    {
        var s = Vt.Screen(Numbers + "\e[2;4r\e[3H\e[L", columns: 5, rows: 5);
        Assert.Equal(["1", "2", "", "3", "5"], s.Snapshot().Lines);
    }

    [Fact]
    public void InsertLines_OutsideRegion_DoNothing()
    {
        var s = Vt.Screen(Numbers + "\e[2;3r\e[5H\e[L", columns: 5, rows: 5);
        Assert.Equal(["1", "2", "3", "4", "5"], s.Snapshot().Lines);
    }

    [Fact]
    public void CursorUp_InsideRegion_StopsAtRegionTop()
    {
        var s = Vt.Screen("\e[2;4r\e[4H\e[9A", columns: 5, rows: 5);
        Assert.Equal(1, s.CursorRow);
        s.Write("\e[9B");
        Assert.Equal(3, s.CursorRow);
        s.Write("\e[5H\e[9B");
        Assert.Equal(4, s.CursorRow);
    }

    [Fact]
    public void SetScrollRegion_Invalid_IsIgnored()
    {
        var s = Vt.Screen("\e[4;2r" + Numbers + "\n", columns: 5, rows: 5);
        Assert.Equal(["2", "3", "4", "5", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void LineFeed_RegionNotAtTop_DoesNotFeedScrollback()
    {
        var s = Vt.Screen("\e[2;5r\e[5H" + "a\nb\nc\n", columns: 5, rows: 5);
        Assert.Empty(s.ScrollbackLines);
        s.Write("\e[r\e[5H\n");
        Assert.Equal([""], s.ScrollbackLines);
    }
}
