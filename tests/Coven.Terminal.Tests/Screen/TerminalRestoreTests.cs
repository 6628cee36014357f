using System.Text;

namespace Coven.Terminal.Tests.Screen;

/// <summary>
/// <see cref="TerminalScreen.RenderRestore"/> fed into a fresh terminal of the same size must reproduce the screen:
/// cells with colours, cursor, title and every mode; <see cref="TerminalRestore.Reset"/> must take the modes back.
/// </summary>
public sealed class TerminalRestoreTests
{
    public static TheoryData<string> States => new()
    {
        "plain\r\ntext",
        "\e[31mred\e[0m \e[1;4;38;2;10;20;30mrgb\e[0m\r\n\e[44m  blue bg  \e[0m",
        "\e[?1003;1006;1004;2004h\e[?1h\e=\e[5 q\e[>4;2m\e[>1u\e[>3u\e]2;my title\a\e[2;4Hx",
        "\e[2;4r\e[?6h\e[2;3Hin region\e[1;33m",
        "\e[?7l\e[4h\e[?25l" + new string('w', 30),
        "\e[?1049h\e[>0u\e[=5u\e[3;5Halt",
        "\e[=5u\e[>0u\e[1;1H\u4e2d\u6587 e\u0301\e[?1002;1015h",
        "\e[>1u\e[>0u\e[5;20Hend",
    };

    [Theory]
    [MemberData(nameof(States))]
    public void RenderRestore_IntoAFreshScreen_ReproducesCellsCursorAndModes(string program)
    {
        var original = Vt.Screen(program, columns: 20, rows: 5);
        var copy = new TerminalScreen(20, 5);
        if (original.AltScreen)
        {
            copy.Write("\e[?1049h");
        }

        copy.Feed(Encoding.UTF8.GetBytes(original.RenderRestore()));

        Assert.Equal(original.RenderAnsi(), copy.RenderAnsi());
        Assert.Equal(original.Cursor(), copy.Cursor());
        Assert.Equal(original.Title, copy.Title);
        // The copy's kitty stack holds the same entries in force (a zero base is not pushed).
        Assert.Equal(original.Modes with { KittyKeyboard = [] }, copy.Modes with { KittyKeyboard = [] });
        Assert.Equal(ActiveKitty(original.Modes), ActiveKitty(copy.Modes));
    }

    [Fact]
    public void Reset_AfterRestore_LeavesTheDefaults()
    {
        var original = Vt.Screen("\e[?1003;1006;1004;2004;1h\e=\e[4 q\e[>4;2m\e[>1u\e[>3u\e[2;4r\e[?6h\e[?7l\e[4h\e[?25l\e[35m", columns: 20, rows: 5);
        var terminal = new TerminalScreen(20, 5);
        terminal.Feed(Encoding.UTF8.GetBytes(original.RenderRestore()));
        Assert.NotEqual(new TerminalScreen(20, 5).Modes, terminal.Modes);

        Assert.Equal(2, TerminalRestore.KittyPushes(original.Modes));
        terminal.Feed(Encoding.UTF8.GetBytes(TerminalRestore.Reset(TerminalRestore.KittyPushes(original.Modes))));

        var defaults = new TerminalScreen(20, 5).Modes;
        Assert.Equal(defaults with { KittyKeyboard = [] }, terminal.Modes with { KittyKeyboard = [] });
        Assert.Equal([0], terminal.Modes.KittyKeyboard);
    }

    [Fact]
    public void Build_RefusesValuesThatAreNotModes()
    {
        var modes = new TerminalModes { MouseTracking = 47, MouseEncoding = 1049, CursorStyle = 99, ModifyOtherKeys = 7, Pen = "0m\e[?1049h", ScrollBottom = 4 };
        var text = TerminalRestore.Build("x", 0, 0, "evil\e]52;c;AAAA\a", modes);
        Assert.DoesNotContain("1049", text, StringComparison.Ordinal);
        Assert.DoesNotContain("?47", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\e]52", text, StringComparison.Ordinal);
        Assert.Contains("\e]2;evil ]52;c;AAAA \a", text, StringComparison.Ordinal);
        Assert.DoesNotContain("99 q", text, StringComparison.Ordinal);
        Assert.DoesNotContain(">4;7m", text, StringComparison.Ordinal);
    }

    private static int ActiveKitty(TerminalModes m) => m.KittyKeyboard[^1];
}
