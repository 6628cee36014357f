using System.Text;
using Coven.Cli.Output;
using Coven.Core.Text;

namespace Coven.Cli.Tests;

/// <summary>The two readable-output renderers of <c>coven logs</c>: terminal model and line-oriented (-f).</summary>
public sealed class RendererTests
{
    [Theory]
    [InlineData("Unable\e[8Gto\e[11Gconnect\r\n", "Unable to connect\n")]
    [InlineData("\e[2GUnable\e[9Gto\r\n", " Unable to\n")]
    [InlineData("a\e[3Cb\r\n", "a   b\n")]
    [InlineData("\e[1;1Hone\e[1;6Htwo\e[2;1Hthree", "one  two\nthree")]
    [InlineData("word\e[1Gover", "word over")]
    [InlineData("\e[?25lhidden\e[?25h", "hidden")]
    [InlineData("up\e[Adown", "up\ndown")]
    public void LineRenderer_CursorMoves_BecomeWhitespace(string input, string expected)
    {
        var r = new LineRenderer();

        Assert.Equal(expected, r.Render(input) + r.Flush());
    }

    [Fact]
    public void LineRenderer_MoveSplitAcrossChunks_StillSpaces()
    {
        var r = new LineRenderer();

        var text = r.Render("Unable\e[") + r.Render("8Gto") + r.Flush();

        Assert.Equal("Unable to", text);
    }

    [Fact]
    public void OutputRenderer_PlacedWordsAndRedraws_RenderAsTheScreenShowsThem()
    {
        var r = new OutputRenderer(40, 5);
        r.Append(Encoding.UTF8.GetBytes("\e[2GUnable\e[9Gto\e[12Gconnect\r\n"));
        r.Append(Encoding.UTF8.GetBytes("progress 10%\rprogress 100%\r\n"));

        Assert.Equal(" Unable to connect\nprogress 100%\n", r.Render());
    }

    [Fact]
    public void OutputRenderer_NoSize_DefaultsTo120x40()
    {
        var r = new OutputRenderer(0, 0);
        r.Append(Encoding.UTF8.GetBytes(new string('x', 130)));

        Assert.Equal(new string('x', 120) + "\n" + new string('x', 10) + "\n", r.Render());
    }
}
