using System.Text;

namespace Coven.Terminal.Tests;

public sealed class TranscriptRendererTests
{
    [Fact]
    public void Render_PlainLines_ReturnsThemWithoutTrailingBlankLines()
    {
        var text = TranscriptRenderer.Render("one\r\ntwo  \r\n\r\n"u8, columns: 20, rows: 10);
        Assert.Equal("one\ntwo\n", text);
    }

    [Fact]
    public void Render_MoreLinesThanRows_IncludesScrolledOffLines()
    {
        var input = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            input.Append($"line {i}\r\n");
        }

        var text = TranscriptRenderer.Render(Encoding.UTF8.GetBytes(input.ToString()), columns: 20, rows: 5);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100, lines.Length);
        Assert.Equal("line 0", lines[0]);
        Assert.Equal("line 99", lines[^1]);
    }

    [Fact]
    public void Render_ProgressBarRedrawnInPlace_ShowsFinalState()
    {
        var text = TranscriptRenderer.Render("working 10%\rworking 50%\rworking done\e[K\r\n"u8, columns: 40, rows: 5);
        Assert.Equal("working done\n", text);
    }

    [Fact]
    public void Render_ColoursAndCursorMoves_AreResolvedToText()
    {
        var text = TranscriptRenderer.Render("\e[1;32m✔\e[0m build\e[10Gok\r\n"u8, columns: 40, rows: 5);
        Assert.Equal("✔ build  ok\n", text);
    }

    [Fact]
    public void Render_FullScreenProgramLeftRunning_ShowsAltScreen()
    {
        var text = TranscriptRenderer.Render("shell$ \e[?1049h\e[H\e[2Jwelcome\e[3;1H> prompt"u8, columns: 40, rows: 5);
        Assert.Equal("welcome\n\n> prompt\n", text);
    }

    [Fact]
    public void Render_Empty_ReturnsEmpty()
    {
        Assert.Equal("", TranscriptRenderer.Render([]));
    }
}
