using System.Text;

namespace Coven.Terminal.Tests.Filter;

public sealed class TerminalFilterTests
{
    [Theory]
    [InlineData("\e[c", "\e[?62;22c")]
    [InlineData("\e[0c", "\e[?62;22c")]
    [InlineData("\e[5n", "\e[0n")]
    [InlineData("\e[6n", "\e[1;7R")]
    [InlineData("\e]10;?\a", "\e]10;rgb:dddd/dddd/dddd\a")]
    [InlineData("\e]10;?\e\\", "\e]10;rgb:dddd/dddd/dddd\e\\")]
    [InlineData("\e]11;?\a", "\e]11;rgb:0000/0000/0000\a")]
    [InlineData("\e]11;?\e\\", "\e]11;rgb:0000/0000/0000\e\\")]
    [InlineData("\e[?2026$p", "\e[?2026;2$y")]
    [InlineData("\e[?9999$p", "\e[?9999;0$y")]
    [InlineData("\e[?25$p", "\e[?25;1$y")]
    [InlineData("\e[?2004$p", "\e[?2004;2$y")]
    [InlineData("\e[4$p", "\e[4;2$y")]
    [InlineData("\e[>q", "\eP>|coven 1.2.3\e\\")]
    [InlineData("\e[>0q", "\eP>|coven 1.2.3\e\\")]
    [InlineData("\e[?u", "")]
    public void Process_Query_IsAnsweredAndNotRecorded(string query, string reply)
    {
        var h = new FilterHarness().Process("before" + query + "after");
        Assert.Equal(reply, h.Replies);
        Assert.Equal("beforeafter", h.Recorded);
        Assert.Equal(0, h.Filter.HeldBytes);
    }

    [Fact]
    public void Process_CodexStartupBurst_AnswersAllInOrder()
    {
        var h = new FilterHarness().Process("\e[?2004h\e[>7u\e[?u\e[c\e[6n\e]10;?\e\\\e]11;?\e\\");
        Assert.Equal("\e[?62;22c\e[1;1R\e]10;rgb:dddd/dddd/dddd\e\\\e]11;rgb:0000/0000/0000\e\\", h.Replies);
        Assert.Equal("\e[?2004h\e[>7u", h.Recorded);
        Assert.True(h.Filter.Screen.BracketedPaste);
    }

    [Fact]
    public void Process_CursorReportAfterOutput_ReflectsPrecedingBytesOfSameChunk()
    {
        var h = new FilterHarness().Process("hello\r\nworld!\e[6n");
        Assert.Equal("\e[2;7R", h.Replies);
    }

    [Fact]
    public void Process_CursorReportBetweenOutputs_ReportsEachPosition()
    {
        var h = new FilterHarness().Process("ab\e[6ncdef\e[6n\e[10;20H\e[6n");
        Assert.Equal("\e[1;3R\e[1;7R\e[10;20R", h.Replies);
        Assert.Equal("abcdef\e[10;20H", h.Recorded);
    }

    [Fact]
    public void Process_CursorReportAfterFullScreenRedraw_ReportsRealPosition()
    {
        var redraw = new StringBuilder("\e[?1049h\e[H\e[2J");
        for (int r = 1; r <= 24; r++)
        {
            redraw.Append($"\e[{r};1Hline {r}\e[K");
        }

        redraw.Append("\e[12;34H\e[6n");
        var h = new FilterHarness(80, 24).Process(redraw.ToString());
        Assert.Equal("\e[12;34R", h.Replies);
        Assert.Equal(redraw.ToString()[..^4], h.Recorded);
    }

    [Fact]
    public void Process_CursorReportInOriginMode_IsRelativeToRegion()
    {
        var h = new FilterHarness(80, 24).Process("\e[5;20r\e[?6h\e[3;4H\e[6n");
        Assert.Equal("\e[3;4R", h.Replies);
    }

    [Fact]
    public void Process_CursorReportWithPendingWrap_ReportsLastColumn()
    {
        var h = new FilterHarness(5, 3).Process("abcde\e[6n");
        Assert.Equal("\e[1;5R", h.Replies);
    }

    [Theory]
    [InlineData("\e[c")]
    [InlineData("\e[0c")]
    [InlineData("\e[5n")]
    [InlineData("\e[6n")]
    [InlineData("\e]10;?\a")]
    [InlineData("\e]11;?\e\\")]
    [InlineData("\e[?2026$p")]
    [InlineData("\e[>0q")]
    [InlineData("\e[?u")]
    public void Process_QuerySplitAtEveryBoundary_IsAnsweredAndNeverRecorded(string query)
    {
        var input = Encoding.UTF8.GetBytes("xy" + query + "z");
        var expectedReplies = new FilterHarness().Process(input).Replies;
        for (int split = 0; split <= input.Length; split++)
        {
            var h = new FilterHarness();
            h.Process(input.AsSpan(0, split));
            h.Process(input.AsSpan(split));
            Assert.Equal(expectedReplies, h.Replies);
            Assert.Equal("xyz", h.Recorded);
        }
    }

    [Fact]
    public void Process_QueryFedOneByteAtATime_IsAnswered()
    {
        var h = new FilterHarness();
        foreach (byte b in "ab\e[6n\e]11;?\e\\cd"u8)
        {
            h.Process([b]);
        }

        Assert.Equal("\e[1;3R\e]11;rgb:0000/0000/0000\e\\", h.Replies);
        Assert.Equal("abcd", h.Recorded);
    }

    [Theory]
    [InlineData("\e[31mred\e[0m")]
    [InlineData("\e[?1049h\e[2J\e[H")]
    [InlineData("\e[6;1H\e[2K")]
    [InlineData("\e[?6n")]
    [InlineData("\e[>c")]
    [InlineData("\e[1c")]
    [InlineData("\e[?1u")]
    [InlineData("\e[>1u")]
    [InlineData("\e]0;title\a")]
    [InlineData("\e]10;#ffffff\a")]
    [InlineData("\e]1;?\a")]
    [InlineData("\e]112\a")]
    [InlineData("\e]8;;https://example.com\e\\link\e]8;;\e\\")]
    [InlineData("\eP$qm\e\\")]
    [InlineData("\e7\e8\eM\e(0q\e(B")]
    [InlineData("\e\e[6")]
    [InlineData("plain text \u4e2d\u6587 \U0001F600")]
    [InlineData("\e[6\nn")]
    [InlineData("\e]10;?x\a")]
    public void Process_NonQuery_PassesThroughByteIdentical(string text)
    {
        var input = Encoding.UTF8.GetBytes(text);
        var h = new FilterHarness().Process(input).Flush();
        Assert.Equal(input, h.RecordedBytes);
        Assert.Equal("", h.Replies);
    }

    [Fact]
    public void Process_NonQuerySplitAtEveryBoundary_PassesThroughByteIdentical()
    {
        var input = Encoding.UTF8.GetBytes("a\e[38;2;1;2;3mb\e]2;t\ac\e[?25l\e]10;x\e\\d");
        for (int split = 0; split <= input.Length; split++)
        {
            var h = new FilterHarness();
            h.Process(input.AsSpan(0, split));
            h.Process(input.AsSpan(split));
            h.Flush();
            Assert.Equal(input, h.RecordedBytes);
            Assert.Equal("", h.Replies);
        }
    }

    [Fact]
    public void Process_IncompleteSequence_IsHeldUntilNextCall()
    {
        var h = new FilterHarness().Process("ab\e[3");
        Assert.Equal("ab", h.Recorded);
        Assert.Equal(3, h.Filter.HeldBytes);
        h.Process("1m");
        Assert.Equal("ab\e[31m", h.Recorded);
        Assert.Equal(0, h.Filter.HeldBytes);
    }

    [Fact]
    public void Process_EndlessCsiParameters_HoldBackIsBounded()
    {
        var h = new FilterHarness();
        h.Process("\e[");
        for (int i = 0; i < 1000; i++)
        {
            h.Process("1;");
            Assert.True(h.Filter.HeldBytes <= TerminalFilter.MaxHeldBytes);
        }

        h.Process("6n").Flush();
        Assert.Equal("\e[" + string.Concat(Enumerable.Repeat("1;", 1000)) + "6n", h.Recorded);
        Assert.Equal("", h.Replies);
    }

    [Fact]
    public void Flush_WithHeldBytes_ReleasesThem()
    {
        var h = new FilterHarness().Process("x\e]1");
        Assert.Equal("x", h.Recorded);
        h.Flush();
        Assert.Equal("x\e]1", h.Recorded);
        Assert.Equal(0, h.Filter.HeldBytes);
    }

    [Fact]
    public void Process_EveryByteOfRecordedOutput_ReachesTheScreen()
    {
        var h = new FilterHarness(20, 3).Process("\e]2;title\ahello\e[6n\e[2;3Hworld").Flush();
        var snapshot = h.Filter.Screen.Snapshot();
        Assert.Equal("title", snapshot.Title);
        Assert.Equal(["hello", "  world", ""], snapshot.Lines);
    }

    [Fact]
    public void Constructor_DefaultVersion_ReportsIt()
    {
        var filter = new TerminalFilter(new TerminalScreen(10, 2));
        var recorded = new System.Buffers.ArrayBufferWriter<byte>();
        var replies = new System.Buffers.ArrayBufferWriter<byte>();
        filter.Process("\e[>q"u8, recorded, replies);
        Assert.Equal("\eP>|coven 0.1.0\e\\", Encoding.UTF8.GetString(replies.WrittenSpan));
    }
}
