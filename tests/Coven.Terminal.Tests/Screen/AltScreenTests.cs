namespace Coven.Terminal.Tests.Screen;

public sealed class AltScreenTests
{
    [Fact]
    public void Mode1049_Enter_ShowsClearedAltScreenAndSavesCursor()
    {
        var s = Vt.Screen("main text\e[2;3H\e[?1049h", columns: 10, rows: 3);
        Assert.True(s.AltScreen);
        Assert.Equal(["", "", ""], s.Snapshot().Lines);
        Assert.True(s.Snapshot().AltScreen);
    }

    [Fact]
    public void Mode1049_Leave_RestoresMainContentAndCursor()
    {
        var s = Vt.Screen("main text\e[2;3H\e[?1049h\e[Hfull screen\e[3;1H\e[?1049l", columns: 12, rows: 3);
        Assert.False(s.AltScreen);
        Assert.Equal(["main text", "", ""], s.Snapshot().Lines);
        Assert.Equal((1, 2), s.Cursor());
    }

    [Fact]
    public void Mode1049_ReEnter_ClearsPreviousAltContent()
    {
        var s = Vt.Screen("\e[?1049hold\e[?1049l\e[?1049h", columns: 10, rows: 2);
        Assert.Equal(["", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void Mode47_EnterAndLeave_KeepsAltContentAndDoesNotMoveCursor()
    {
        var s = Vt.Screen("main\e[?47h\e[2;1Halt\e[?47l", columns: 10, rows: 2);
        Assert.Equal(["main", ""], s.Snapshot().Lines);
        Assert.Equal((1, 3), s.Cursor());
        s.Write("\e[?47h");
        Assert.Equal(["", "alt"], s.Snapshot().Lines);
    }

    [Fact]
    public void AltScreen_ScrollingOff_DoesNotFeedScrollback()
    {
        var s = Vt.Screen("\e[?1049h1\r\n2\r\n3\r\n4", columns: 10, rows: 2);
        Assert.Empty(s.ScrollbackLines);
        Assert.Equal(["3", "4"], s.Snapshot().Lines);
    }
}
