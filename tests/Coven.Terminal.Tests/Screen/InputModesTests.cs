namespace Coven.Terminal.Tests.Screen;

/// <summary>The modes a program sets that change how input is reported or how the cursor looks (<see cref="TerminalScreen.Modes"/>).</summary>
public sealed class InputModesTests
{
    [Fact]
    public void Defaults_AreTheTerminalsPowerOnState()
    {
        var m = Vt.Screen(string.Empty).Modes;
        Assert.Equal(new TerminalModes { ScrollBottom = 4 }, m);
        Assert.True(m.AutoWrap);
        Assert.True(m.CursorVisible);
        Assert.Equal("0", m.Pen);
    }

    [Theory]
    [InlineData("\e[?1000h", 1000)]
    [InlineData("\e[?1002h", 1002)]
    [InlineData("\e[?1003h", 1003)]
    [InlineData("\e[?9h", 9)]
    [InlineData("\e[?1000h\e[?1003h", 1003)]
    [InlineData("\e[?1003h\e[?1000l", 1003)]
    [InlineData("\e[?1003h\e[?1003l", 0)]
    [InlineData("\e[?1002;1006h", 1002)]
    public void MouseTracking_OneModeAtATime(string seq, int expected) =>
        Assert.Equal(expected, Vt.Screen(seq).Modes.MouseTracking);

    [Theory]
    [InlineData("\e[?1006h", 1006)]
    [InlineData("\e[?1005h", 1005)]
    [InlineData("\e[?1015h", 1015)]
    [InlineData("\e[?1005h\e[?1006h", 1006)]
    [InlineData("\e[?1006h\e[?1005l", 1006)]
    [InlineData("\e[?1006h\e[?1006l", 0)]
    public void MouseEncoding_LastSetWins(string seq, int expected) =>
        Assert.Equal(expected, Vt.Screen(seq).Modes.MouseEncoding);

    [Fact]
    public void FocusCursorKeysKeypadPaste_Toggle()
    {
        var s = Vt.Screen("\e[?1004h\e[?1h\e=\e[?2004h");
        var m = s.Modes;
        Assert.True(m.FocusEvents);
        Assert.True(m.ApplicationCursorKeys);
        Assert.True(m.ApplicationKeypad);
        Assert.True(m.BracketedPaste);
        s.Write("\e[?1004l\e[?1l\e>\e[?2004l");
        m = s.Modes;
        Assert.False(m.FocusEvents);
        Assert.False(m.ApplicationCursorKeys);
        Assert.False(m.ApplicationKeypad);
        Assert.False(m.BracketedPaste);
        s.Write("\e[?66h");
        Assert.True(s.Modes.ApplicationKeypad);
    }

    [Theory]
    [InlineData("\e[2 q", 2)]
    [InlineData("\e[5 q", 5)]
    [InlineData("\e[5 q\e[0 q", 0)]
    [InlineData("\e[5 q\e[ q", 0)]
    [InlineData("\e[3 q\e[9 q", 3)]
    public void CursorStyle_Decscusr(string seq, int expected) =>
        Assert.Equal(expected, Vt.Screen(seq).Modes.CursorStyle);

    [Fact]
    public void CursorStyle_DoesNotPrintOrMoveTheCursor()
    {
        var s = Vt.Screen("ab\e[4 qc");
        Assert.Equal("abc", s.Line(0));
        Assert.Equal((0, 3), s.Cursor());
    }

    [Theory]
    [InlineData("\e[>4;1m", 1)]
    [InlineData("\e[>4;2m", 2)]
    [InlineData("\e[>4;2m\e[>4m", 0)]
    [InlineData("\e[>4;2m\e[>4;0m", 0)]
    [InlineData("\e[>4;2m\e[>4n", 0)]
    [InlineData("\e[>1;2m", 0)]
    public void ModifyOtherKeys_XtModKeys(string seq, int expected) =>
        Assert.Equal(expected, Vt.Screen(seq).Modes.ModifyOtherKeys);

    [Fact]
    public void ModifyOtherKeys_IsNotSgr()
    {
        var s = Vt.Screen("\e[>4;1mx");
        Assert.Equal("0", s.Modes.Pen);
        Assert.Equal("\e[0mx", s.RenderAnsi().Split("\r\n")[0]);
    }

    [Theory]
    [InlineData("\e[>1u", new[] { 0, 1 })]
    [InlineData("\e[>1u\e[>3u", new[] { 0, 1, 3 })]
    [InlineData("\e[>1u\e[>3u\e[<u", new[] { 0, 1 })]
    [InlineData("\e[>1u\e[>3u\e[<2u", new[] { 0 })]
    [InlineData("\e[>1u\e[<5u", new[] { 0 })]
    [InlineData("\e[=5u", new[] { 5 })]
    [InlineData("\e[>1u\e[=4;2u", new[] { 0, 5 })]
    [InlineData("\e[>7u\e[=2;3u", new[] { 0, 5 })]
    [InlineData("\e[>7u\e[=2;1u", new[] { 0, 2 })]
    [InlineData("\e[=5u\e[<u", new[] { 0 })]
    public void KittyKeyboard_Stack(string seq, int[] expected) =>
        Assert.Equal(expected, Vt.Screen(seq).Modes.KittyKeyboard);

    [Fact]
    public void KittyKeyboard_PushesAreBounded()
    {
        var s = Vt.Screen(string.Concat(Enumerable.Range(1, 40).Select(i => $"\e[>{i % 32}u")));
        var stack = s.Modes.KittyKeyboard;
        Assert.Equal(17, stack.Count);
        Assert.Equal(0, stack[0]);
        Assert.Equal(40 % 32, stack[^1]);
    }

    [Fact]
    public void KittyKeyboard_MainAndAlternateScreenHaveTheirOwnStacks()
    {
        var s = Vt.Screen("\e[>1u\e[?1049h");
        Assert.Equal([0], s.Modes.KittyKeyboard);
        s.Write("\e[>15u");
        Assert.Equal([0, 15], s.Modes.KittyKeyboard);
        s.Write("\e[?1049l");
        Assert.Equal([0, 1], s.Modes.KittyKeyboard);
    }

    [Fact]
    public void KittyQuery_ChangesNothing()
    {
        var s = Vt.Screen("\e[>1u\e[?u");
        Assert.Equal([0, 1], s.Modes.KittyKeyboard);
    }

    [Fact]
    public void ScrollRegionOriginWrapInsert_AreReported()
    {
        var m = Vt.Screen("\e[2;4r\e[?6h\e[?7l\e[4h").Modes;
        Assert.Equal(1, m.ScrollTop);
        Assert.Equal(3, m.ScrollBottom);
        Assert.True(m.OriginMode);
        Assert.False(m.AutoWrap);
        Assert.True(m.InsertMode);
    }

    [Fact]
    public void Pen_IsTheCurrentSgr()
    {
        Assert.Equal("0;1;31", Vt.Screen("\e[1;31m").Modes.Pen);
        Assert.Equal("0;38;5;208;48;2;1;2;3", Vt.Screen("\e[38;5;208;48;2;1;2;3m").Modes.Pen);
        Assert.Equal("0", Vt.Screen("\e[1;31m\e[m").Modes.Pen);
    }

    [Fact]
    public void FullReset_ClearsEveryMode()
    {
        var s = Vt.Screen("\e[?1003;1006;1004;2004;1h\e=\e[>1u\e[>4;2m\e[4 q\e[31m\ec");
        Assert.Equal(new TerminalModes { ScrollBottom = 4 }, s.Modes);
    }

    [Fact]
    public void SoftReset_ResetsKeypadAndCursorKeys()
    {
        var m = Vt.Screen("\e[?1h\e=\e[!p").Modes;
        Assert.False(m.ApplicationKeypad);
        Assert.False(m.ApplicationCursorKeys);
    }

    [Theory]
    [InlineData(1003, "\e[?1003h", 1)]
    [InlineData(1000, "\e[?1003h", 2)]
    [InlineData(1006, "\e[?1006h", 1)]
    [InlineData(1004, "\e[?1004h", 1)]
    [InlineData(1004, "", 2)]
    public void Decrqm_ReportsInputModes(int mode, string setup, int state) =>
        Assert.Equal(state, Vt.Screen(setup).ModeState(mode, decPrivate: true));
}
