namespace Coven.Terminal.Tests.Screen;

public sealed class ScrollbackTests
{
    [Fact]
    public void Scrollback_LinesScrolledOff_AreKeptOldestFirst()
    {
        var s = Vt.Screen("l1\r\nl2  \r\nl3\r\nl4", columns: 5, rows: 2);
        Assert.Equal(["l1", "l2"], s.ScrollbackLines);
    }

    [Fact]
    public void Scrollback_OverCapacity_DropsOldest()
    {
        var s = new TerminalScreen(6, 2, scrollbackLines: 100);
        for (int i = 0; i < 500; i++)
        {
            s.Write($"{i}\r\n");
        }

        var lines = s.ScrollbackLines;
        Assert.Equal(100, lines.Count);
        Assert.Equal("399", lines[0]);
        Assert.Equal("498", lines[^1]);
    }

    [Fact]
    public void Scrollback_ZeroCapacity_KeepsNothing()
    {
        var s = Vt.Screen("1\r\n2\r\n3", columns: 5, rows: 1, scrollback: 0);
        Assert.Empty(s.ScrollbackLines);
        Assert.Equal("3", s.Line(0));
    }

    [Fact]
    public void Scrollback_AfterResize_KeepsOldLinesAndAddsNewWidth()
    {
        var s = Vt.Screen("abcdef\r\n", columns: 6, rows: 1);
        s.Resize(3, 1);
        s.Write("xyz\r\n");
        Assert.Equal(["abcdef", "xyz"], s.ScrollbackLines);
    }
}
