namespace Coven.Terminal.Tests.Screen;

public sealed class WrappingTests
{
    [Fact]
    public void Print_ExactlyFillingLine_LeavesWrapPending()
    {
        var s = Vt.Screen("abcde", columns: 5, rows: 3);
        Assert.Equal((0, 4), s.Cursor());
        Assert.Equal("", s.Line(1));
    }

    [Fact]
    public void Print_AfterPendingWrap_ContinuesOnNextLine()
    {
        var s = Vt.Screen("abcdef", columns: 5, rows: 3);
        Assert.Equal(["abcde", "f", ""], s.Snapshot().Lines);
        Assert.Equal((1, 1), s.Cursor());
        Assert.True(s.IsRowWrapped(0));
    }

    [Fact]
    public void CarriageReturn_DuringPendingWrap_CancelsWrap()
    {
        var s = Vt.Screen("abcde\rX", columns: 5, rows: 3);
        Assert.Equal(["Xbcde", "", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void CarriageReturnLineFeed_AfterFullLine_DoesNotLeaveBlankLine()
    {
        var s = Vt.Screen("abcde\r\nfg", columns: 5, rows: 3);
        Assert.Equal(["abcde", "fg", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void CursorMove_DuringPendingWrap_CancelsWrap()
    {
        var s = Vt.Screen("abcde\e[DX", columns: 5, rows: 3);
        Assert.Equal(["abcXe", "", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void Print_PendingWrapOnBottomRow_ScrollsIntoScrollback()
    {
        var s = Vt.Screen("\e[2Habcdefg", columns: 5, rows: 2);
        Assert.Equal(["abcde", "fg"], s.Snapshot().Lines);
        Assert.Equal([""], s.ScrollbackLines);
    }

    [Fact]
    public void AutoWrapOff_LongText_OverwritesLastColumn()
    {
        var s = Vt.Screen("\e[?7labcdefgh", columns: 5, rows: 2);
        Assert.Equal(["abcdh", ""], s.Snapshot().Lines);
        Assert.Equal((0, 4), s.Cursor());
        s.Write("\e[?7h\rabcdefgh");
        Assert.Equal(["abcde", "fgh"], s.Snapshot().Lines);
    }

    [Fact]
    public void Print_LongTextAcrossManyLines_WrapsEveryLine()
    {
        var s = Vt.Screen(new string('x', 23), columns: 5, rows: 6);
        Assert.Equal(["xxxxx", "xxxxx", "xxxxx", "xxxxx", "xxx", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void EraseInLine_DuringPendingWrap_KeepsWrapPending()
    {
        var s = Vt.Screen("abcde\e[2Kx", columns: 5, rows: 3);
        Assert.Equal(["", "x", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void Tab_DuringPendingWrap_KeepsWrapPending()
    {
        var s = Vt.Screen("abcde\tx", columns: 5, rows: 3);
        Assert.Equal(["abcde", "x", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void Backspace_AtStartOfWrappedContinuation_GoesToEndOfPreviousRow()
    {
        var s = Vt.Screen("abcdef\b\bX", columns: 5, rows: 3);
        Assert.Equal(["abcdX", "f", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void Backspace_AtStartOfHardLine_StaysAtColumnZero()
    {
        var s = Vt.Screen("abcde\r\nf\b\bX", columns: 5, rows: 3);
        Assert.Equal(["abcde", "X", ""], s.Snapshot().Lines);
    }
}
