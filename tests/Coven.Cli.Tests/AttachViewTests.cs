using System.Text;
using Coven.Cli.Attach;
using Coven.Core.Api;
using Coven.Terminal;

namespace Coven.Cli.Tests;

/// <summary>
/// What <c>attach</c> writes to the user's terminal, fed into a terminal model standing in for it: the start
/// paints the session's screen and modes on the alternate screen, the program's screen switches never take the
/// terminal off it, and the stop leaves the defaults and the main screen.
/// </summary>
public sealed class AttachViewTests
{
    [Fact]
    public void Start_PaintsTheScreenWithItsModes_StopLeavesTheDefaults()
    {
        var program = new TerminalScreen(40, 6);
        program.Feed("\e[31mred\e[0m text\r\n\e[?2004;1002;1006h\e[>1u\e[5 q\e[?25l\e[1mbold"u8);
        var user = new TerminalScreen(40, 6);
        user.Feed("user's own screen"u8);

        var (view, start) = AttachView.Start(ScreenOf(program), 40, 6);
        user.Feed(start);

        Assert.True(user.AltScreen);
        Assert.Equal(program.RenderAnsi(), user.RenderAnsi());
        Assert.Equal((program.CursorRow, program.CursorColumn), (user.CursorRow, user.CursorColumn));
        Assert.Equal(program.Modes, user.Modes);

        user.Feed(view.Stop());
        Assert.False(user.AltScreen);
        Assert.Equal("user's own screen", user.Snapshot().Lines[0]);
        Assert.Equal(new TerminalScreen(40, 6).Modes, user.Modes);
        Assert.Empty(view.Stop());
    }

    [Fact]
    public void Output_ProgramSwitchesScreens_TerminalStaysOnTheAlternateScreenAndShowsTheProgramsScreen()
    {
        var program = new TerminalScreen(30, 5);
        program.Feed("main text"u8);
        var user = new TerminalScreen(30, 5);
        user.Feed("user's own screen"u8);
        var (view, start) = AttachView.Start(ScreenOf(program), 30, 5);
        user.Feed(start);

        // Split inside the sequence, combined with another mode, then back.
        user.Feed(view.Output("\e[?10"u8));
        user.Feed(view.Output("49;2004h\e[Halt text"u8));
        Assert.True(user.AltScreen);
        Assert.True(user.BracketedPaste);
        Assert.Equal("alt text", user.Snapshot().Lines[0]);

        var back = view.Output("\e[?1049l more"u8);
        Assert.DoesNotContain("1049", Encoding.UTF8.GetString(back), StringComparison.Ordinal);
        user.Feed(back);
        Assert.True(user.AltScreen);
        Assert.Equal("main text more", user.Snapshot().Lines[0]);

        // RIS would reset the user's terminal to its main screen: replaced by a repaint of the reset screen.
        user.Feed(view.Output("\e[?1003h\ecafter reset"u8));
        Assert.True(user.AltScreen);
        Assert.Equal("after reset", user.Snapshot().Lines[0]);
        Assert.Equal(0, user.Modes.MouseTracking);

        user.Feed(view.Stop());
        Assert.Equal("user's own screen", user.Snapshot().Lines[0]);
    }

    [Fact]
    public void Stop_PopsTheKittyEntriesTheProgramPushedWhileAttached()
    {
        var program = new TerminalScreen(30, 5);
        program.Feed("\e[>1u"u8);
        var user = new TerminalScreen(30, 5);
        var (view, start) = AttachView.Start(ScreenOf(program), 30, 5);
        user.Feed(start);
        user.Feed(view.Output("\e[>3u\e[>7u\e[<u"u8));
        Assert.Equal([0, 1, 3], user.Modes.KittyKeyboard);

        var stop = Encoding.ASCII.GetString(view.Stop());

        Assert.StartsWith("\e[<2u", stop, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithoutAScreen_PaintsBlankAndStillUsesTheAlternateScreen()
    {
        var user = new TerminalScreen(20, 4);
        user.Feed("mine"u8);
        var (view, start) = AttachView.Start(null, 20, 4);
        user.Feed(start);
        Assert.True(user.AltScreen);
        Assert.Equal(string.Empty, user.Snapshot().Lines[0]);
        user.Feed(view.Output("hello"u8));
        Assert.Equal("hello", user.Snapshot().Lines[0]);
        Assert.Equal("\e[0mhello\e[0m\r\n", view.FinalScreen());
    }

    [Fact]
    public void InputChunks_CutOnlyBetweenCharactersAndSequences()
    {
        var random = new Random(7);
        var units = new[] { "a", "\n", "\u00e9", "\u4e2d", "\U0001F600", "\e[A", "\eOB", "\e[1;5C", "\eb", "\e[200~", "\e[201~", "\e[<0;12;3M" };
        var text = new StringBuilder();
        while (text.Length < 200_000)
        {
            text.Append(units[random.Next(units.Length)]);
        }

        var data = Encoding.UTF8.GetBytes(text.ToString());
        foreach (var max in new[] { 7, 64, 1000, InputChunks.DefaultMax })
        {
            var pieces = new List<byte[]>();
            var offset = 0;
            while (offset < data.Length)
            {
                var n = InputChunks.FirstLength(data.AsSpan(offset), max);
                Assert.InRange(n, 1, max);
                pieces.Add(data.AsSpan(offset, n).ToArray());
                offset += n;
            }

            Assert.Equal(data, pieces.SelectMany(p => p).ToArray());
            Assert.All(pieces, p => Assert.True(System.Text.Unicode.Utf8.IsValid(p)));
            var markers = pieces.Sum(p => Count(Encoding.UTF8.GetString(p), "\e[200~") + Count(Encoding.UTF8.GetString(p), "\e[201~"));
            Assert.Equal(Count(text.ToString(), "\e[200~") + Count(text.ToString(), "\e[201~"), markers);
            if (max >= 64)
            {
                Assert.All(pieces, p => Assert.NotEqual(0x1B, p[^1]));
            }
        }
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    private static ScreenDto ScreenOf(TerminalScreen s) => ScreenDto.From(s, ansi: true, live: true);
}
