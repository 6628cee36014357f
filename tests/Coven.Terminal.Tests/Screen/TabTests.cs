namespace Coven.Terminal.Tests.Screen;

public sealed class TabTests
{
    [Fact]
    public void Tab_Default_StopsEveryEightColumns()
    {
        var s = Vt.Screen("a\tb\tc", columns: 30, rows: 1);
        Assert.Equal("a       b       c", s.Line(0));
    }

    [Fact]
    public void Tab_PastLastStop_StopsAtLastColumn()
    {
        var s = Vt.Screen("\t\t\t", columns: 10, rows: 1);
        Assert.Equal(9, s.CursorColumn);
    }

    [Fact]
    public void TabSet_AtColumn_AddsStop()
    {
        var s = Vt.Screen("\e[4G\eH\r\tx", columns: 20, rows: 1);
        Assert.Equal("   x", s.Line(0));
    }

    [Fact]
    public void TabClear_Current_RemovesStop()
    {
        var s = Vt.Screen("\e[9G\e[g\r\tx", columns: 20, rows: 1);
        Assert.Equal(17, s.CursorColumn);
    }

    [Fact]
    public void TabClear_All_TabGoesToLastColumn()
    {
        var s = Vt.Screen("\e[3g\tx", columns: 20, rows: 1);
        Assert.Equal("                   x", s.Line(0));
    }

    [Fact]
    public void TabForwardAndBackward_Counts_MoveBetweenStops()
    {
        var s = Vt.Screen("\e[2I", columns: 40, rows: 1);
        Assert.Equal(16, s.CursorColumn);
        s.Write("\e[Z");
        Assert.Equal(8, s.CursorColumn);
        s.Write("\e[5Z");
        Assert.Equal(0, s.CursorColumn);
    }
}
