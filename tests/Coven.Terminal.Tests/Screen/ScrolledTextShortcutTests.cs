using System.Text;

namespace Coven.Terminal.Tests.Screen;

/// <summary>
/// A screen without history leaves out plain text that scrolls off before it is seen. These tests feed the same
/// bytes, split the same way, to a screen with the shortcut and one that interprets every byte, and require the
/// same screen, colours, cursor and modes.
/// </summary>
public sealed class ScrolledTextShortcutTests
{
    private static readonly string[] s_pieces =
    [
        "\e[31m", "\e[44m", "\e[0m", "\e[H", "\e[5;3H", "\e[2;6r", "\e[r", "\e[?1049h", "\e[?1049l", "\e[4h", "\e[4l",
        "\u000e", "\u000f", "\e(0", "\e(B", "\e[?7l", "\e[?7h", "\e[?6h", "\e[?6l", "\e[3b", "\e[K", "\e[2J", "\e[A", "\e[3L",
        "\t", "\b", "é", "中", "e\u0301", "\xff", "\n", "\r", "\e[20h", "\e[20l", "\eM", "\e7", "\e8",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomOutput_LooksTheSameWithAndWithoutTheShortcut(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            var columns = random.Next(2, 30);
            var rows = random.Next(1, 8);
            var bytes = Encoding.UTF8.GetBytes(Generate(random, columns, rows));
            var fast = new TerminalScreen(columns, rows, scrollbackLines: 0);
            var full = new TerminalScreen(columns, rows, scrollbackLines: 0) { SkipScrolledOffText = false };

            var rest = bytes.AsSpan();
            while (!rest.IsEmpty)
            {
                var n = Math.Min(rest.Length, random.Next(1, 400));
                fast.Feed(rest[..n]);
                full.Feed(rest[..n]);
                rest = rest[n..];

                // Also after each piece: what a snapshot request in between would see.
                Assert.Equal(full.RenderAnsi(), fast.RenderAnsi());
                Assert.Equal((full.CursorRow, full.CursorColumn), (fast.CursorRow, fast.CursorColumn));
            }

            Assert.Equal(full.Snapshot().Lines, fast.Snapshot().Lines);
            Assert.Equal(full.AltScreen, fast.AltScreen);

            // State that only shows later: REP of the last character, a pending wrap, a pending UTF-8 sequence.
            fast.Feed("\e[2bZ\u00e9"u8);
            full.Feed("\e[2bZ\u00e9"u8);
            Assert.Equal(full.RenderAnsi(), fast.RenderAnsi());
        }
    }

    [Fact]
    public void LongScrollingOutput_EndsWithTheLastLinesOnScreen()
    {
        var screen = new TerminalScreen(20, 3, scrollbackLines: 0);
        var text = string.Concat(Enumerable.Range(1, 1000).Select(i => $"line {i}\r\n"));

        screen.Feed(Encoding.ASCII.GetBytes(text + "tail"));

        Assert.Equal(["line 999", "line 1000", "tail"], screen.Snapshot().Lines);
        Assert.Equal((2, 4), (screen.CursorRow, screen.CursorColumn));
    }

    [Fact]
    public void WithScrollback_NothingIsSkipped()
    {
        var screen = new TerminalScreen(20, 3, scrollbackLines: 2000);
        screen.Feed(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 1000).Select(i => $"line {i}\r\n"))));

        Assert.Equal(998, screen.ScrollbackCount);
        Assert.Equal("line 1", screen.ScrollbackLines[0]);
    }

    private static string Generate(Random random, int columns, int rows)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            switch (random.Next(10))
            {
                case < 6:
                    // Plain lines, mostly short, sometimes longer than the screen is wide; many in a row.
                    var lines = random.Next(1, rows * 4);
                    for (var l = 0; l < lines; l++)
                    {
                        var length = random.Next(6) == 0 ? random.Next(columns, columns * 3) : random.Next(0, columns);
                        sb.Append(new string((char)('a' + (i + l) % 26), length));
                        sb.Append(random.Next(8) == 0 ? "\n" : "\r\n");
                    }

                    break;
                default:
                    sb.Append(s_pieces[random.Next(s_pieces.Length)]);
                    break;
            }
        }

        return sb.ToString();
    }
}
