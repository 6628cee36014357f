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

    [Fact]
    public void FullMarkTable_IsRebuiltFromLiveCells_AndEveryCellKeepsItsMarks()
    {
        // Room for 4 distinct sequences. Row 1 keeps two marked cells; the marks printed on row 0 and then
        // erased are dead by the time the table fills, and a rebuild must reclaim them without renaming what lives.
        var s = new TerminalScreen(10, 3, scrollbackLines: 5, combiningCapacity: 4);
        Feed(s, "\e[2;1Ha\u0301b\u0302");
        Feed(s, "\e[1;1Hc\u0303d\u0304\e[2K");
        Assert.Equal(4, s.Marks.Count);

        Feed(s, "\e[3;1He\u0305f\u0306");

        Assert.Equal("a\u0301b\u0302", s.Snapshot().Lines[1]);
        Assert.Equal("e\u0305f\u0306", s.Snapshot().Lines[2]);
        Assert.Equal(4, s.Marks.Count);
        Assert.Equal("\u0302", s.MarksAt(1, 1));
    }

    [Fact]
    public void FullMarkTable_OfLiveSequences_DropsOnlyTheNewMark()
    {
        var s = new TerminalScreen(10, 2, scrollbackLines: 0, combiningCapacity: 2);
        Feed(s, "a\u0301b\u0302");

        Feed(s, "c\u0303d\u0301");

        // c's mark has no room; d reuses the interned sequence of a. Nothing else changes.
        Assert.Equal("a\u0301b\u0302cd\u0301", s.Snapshot().Lines[0]);
        Assert.Null(s.MarksAt(0, 2));
    }

    [Fact]
    public void MarksInScrollback_SurviveARebuild()
    {
        var s = new TerminalScreen(5, 2, scrollbackLines: 10, combiningCapacity: 3);
        Feed(s, "a\u0301\r\nb\u0302\r\nc\u0303\r\n");
        Assert.Equal(["a\u0301", "b\u0302"], s.ScrollbackLines);

        // The table is full (3); clearing the visible screen kills c's sequence, so the next mark fits after a rebuild.
        Feed(s, "\e[2J\e[Hd\u0304");

        Assert.Equal(["a\u0301", "b\u0302"], s.ScrollbackLines);
        Assert.Equal("d\u0304", s.Snapshot().Lines[0]);
    }

    private static void Feed(TerminalScreen screen, string text) => screen.Feed(System.Text.Encoding.UTF8.GetBytes(text));
}
