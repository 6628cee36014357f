using System.Text;

namespace Coven.Terminal.Tests.Filter;

/// <summary>The start-up queries of the real agent CLIs (recorded under tmux) are answered and not recorded.</summary>
public sealed class RecordedHarnessQueryTests
{
    [Theory]
    [InlineData("codex.100x30", "\e[?62;22c\e[3;1R\e]10;rgb:dddd/dddd/dddd\e\\\e]11;rgb:0000/0000/0000\e\\")]
    [InlineData("claude.100x30", "\eP>|coven 1.2.3\e\\\e[?62;22c\e[?2026;2$y\e[?62;22c")]
    public void Process_HarnessStartup_AnswersEveryQueryInOrder(string fixture, string expectedReplies)
    {
        var raw = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture + ".bin"));
        var h = new FilterHarness(100, 30).Process(raw).Flush();

        Assert.Equal(expectedReplies, h.Replies);
        foreach (var query in new[] { "\e[c", "\e[6n", "\e]10;?", "\e]11;?", "\e[?u", "\e[>0q", "\e[?2026$p" })
        {
            Assert.DoesNotContain(query, h.Recorded, StringComparison.Ordinal);
        }

        Assert.True(Encoding.UTF8.GetByteCount(h.Recorded) < raw.Length);
    }
}
