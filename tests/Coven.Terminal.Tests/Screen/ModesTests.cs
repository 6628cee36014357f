namespace Coven.Terminal.Tests.Screen;

public sealed class ModesTests
{
    [Theory]
    [InlineData("\e]0;hello\a", "hello")]
    [InlineData("\e]2;hello\e\\", "hello")]
    [InlineData("\e]2;h\u00e9llo \u4e2d\a", "h\u00e9llo \u4e2d")]
    [InlineData("\e]2;first\a\e]0;second\a", "second")]
    [InlineData("\e]1;icon\a", "")]
    [InlineData("\e]8;;http://x\ahello\e]8;;\a", "")]
    public void Title_Osc_SetsTitle(string seq, string title)
    {
        var s = Vt.Screen(seq);
        Assert.Equal(title, s.Title);
        Assert.Equal(title, s.Snapshot().Title);
    }

    [Fact]
    public void Title_OscTerminatedByEsc_FollowingTextPrints()
    {
        var s = Vt.Screen("\e]2;t\e\\after");
        Assert.Equal("after", s.Line(0));
    }

    [Fact]
    public void Title_Oversized_IsIgnoredAndParserRecovers()
    {
        var s = Vt.Screen("\e]2;" + new string('x', 100_000) + "\aok");
        Assert.Equal("", s.Title);
        Assert.Equal("ok", s.Line(0));
    }

    [Fact]
    public void BracketedPaste_SetAndReset_TogglesFlag()
    {
        var s = Vt.Screen("\e[?2004h");
        Assert.True(s.BracketedPaste);
        s.Write("\e[?2004l");
        Assert.False(s.BracketedPaste);
    }

    [Fact]
    public void CursorVisible_Dectcem_TogglesFlag()
    {
        var s = Vt.Screen("\e[?25l");
        Assert.False(s.CursorVisible);
        Assert.False(s.Snapshot().CursorVisible);
        s.Write("\e[?25h");
        Assert.True(s.CursorVisible);
    }

    [Fact]
    public void DecSet_SeveralModesInOneSequence_AllApply()
    {
        var s = Vt.Screen("\e[?25l\e[?25;2004;1049h");
        Assert.True(s.CursorVisible);
        Assert.True(s.BracketedPaste);
        Assert.True(s.AltScreen);
    }

    [Fact]
    public void DecSpecialGraphics_LineDrawing_MapsToBoxCharacters()
    {
        var s = Vt.Screen("\e(0lqk\e(Bq\e)0\u000eq\u000fq", columns: 10, rows: 1);
        Assert.Equal("┌─┐q─q", s.Line(0));
    }

    [Fact]
    public void FullReset_Ris_ClearsEverything()
    {
        var s = Vt.Screen("\e]2;t\a\e[?2004h\e[?1049htext\ec");
        Assert.False(s.AltScreen);
        Assert.False(s.BracketedPaste);
        Assert.Equal("", s.Title);
        Assert.Equal((0, 0), s.Cursor());
        Assert.All(s.Snapshot().Lines, l => Assert.Equal("", l));
    }

    [Fact]
    public void ScreenAlignment_Decaln_FillsWithE()
    {
        var s = Vt.Screen("\e#8", columns: 3, rows: 2);
        Assert.Equal(["EEE", "EEE"], s.Snapshot().Lines);
    }
}
