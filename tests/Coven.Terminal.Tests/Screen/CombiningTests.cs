namespace Coven.Terminal.Tests.Screen;

public sealed class CombiningTests
{
    [Fact]
    public void CombiningMark_AfterBase_AttachesWithoutAdvancing()
    {
        var s = Vt.Screen("e\u0301x", columns: 5, rows: 1);
        Assert.Equal("e\u0301x", s.Line(0));
        Assert.Equal(2, s.CursorColumn);
    }

    [Fact]
    public void CombiningMark_AfterWide_AttachesToWideCharacter()
    {
        var s = Vt.Screen("中\u0302", columns: 5, rows: 1);
        Assert.Equal("中\u0302", s.Line(0));
        Assert.Equal(2, s.CursorColumn);
    }

    [Fact]
    public void CombiningMark_DuringPendingWrap_AttachesToLastColumn()
    {
        var s = Vt.Screen("abc\u0308", columns: 3, rows: 2);
        Assert.Equal(["abc\u0308", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void CombiningMark_AtColumnZero_IsDropped()
    {
        var s = Vt.Screen("\u0301a", columns: 3, rows: 1);
        Assert.Equal("a", s.Line(0));
    }

    [Fact]
    public void CombiningMark_EndlessRun_StaysBounded()
    {
        var s = Vt.Screen("a" + string.Concat(Enumerable.Repeat("\u0301", 10_000)), columns: 3, rows: 1);
        Assert.True(s.Line(0).Length <= 17);
    }

    [Fact]
    public void Overwrite_CellWithMark_DropsMark()
    {
        var s = Vt.Screen("e\u0301\rx", columns: 3, rows: 1);
        Assert.Equal("x", s.Line(0));
    }
}
