namespace Coven.Terminal.Tests.Screen;

public sealed class OriginModeTests
{
    [Fact]
    public void OriginMode_On_CursorPositionIsRelativeToRegion()
    {
        var s = Vt.Screen("\e[3;5r\e[?6h", columns: 10, rows: 6);
        Assert.Equal((2, 0), s.Cursor());
        s.Write("\e[2;4H");
        Assert.Equal((3, 3), s.Cursor());
    }

    [Fact]
    public void OriginMode_On_CursorIsConfinedToRegion()
    {
        var s = Vt.Screen("\e[3;5r\e[?6h\e[99;1H", columns: 10, rows: 6);
        Assert.Equal(4, s.CursorRow);
    }

    [Fact]
    public void OriginMode_Off_CursorPositionIsAbsolute()
    {
        var s = Vt.Screen("\e[3;5r\e[?6h\e[?6l\e[1;1H", columns: 10, rows: 6);
        Assert.Equal((0, 0), s.Cursor());
    }
}
