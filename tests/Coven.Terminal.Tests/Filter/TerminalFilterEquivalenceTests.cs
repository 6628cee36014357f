using System.Buffers;
using System.Text;

namespace Coven.Terminal.Tests.Filter;

/// <summary>How input is cut into Process calls must never change what is recorded or answered.</summary>
public sealed class TerminalFilterEquivalenceTests
{
    private static readonly string[] Fragments =
    [
        "\e[c", "\e[0c", "\e[5n", "\e[6n", "\e]10;?\a", "\e]11;?\e\\", "\e[?2026$p", "\e[>0q", "\e[?u", "\e[?1049h",
        "\e[", "\e]", "\e", "\e]1", "\e[?", "\e[6", "$", "p", "n", "c", "q", "u", "?", ";", "\a", "\e\\",
        "text", "\r\n", "中文", "\e[31m", "\e[2;5H", "\e]0;t\a",
    ];

    [Fact]
    public void Process_RandomChunking_RecordsAndAnswersSameAsOneCall()
    {
        var random = new Random(99);
        for (int round = 0; round < 300; round++)
        {
            var sb = new StringBuilder();
            int count = random.Next(1, 30);
            for (int i = 0; i < count; i++)
            {
                sb.Append(Fragments[random.Next(Fragments.Length)]);
            }

            var input = Encoding.UTF8.GetBytes(sb.ToString());
            var whole = Run(input, [input.Length]);
            var cuts = new List<int>();
            for (int left = input.Length; left > 0;)
            {
                int n = Math.Min(left, random.Next(1, 6));
                cuts.Add(n);
                left -= n;
            }

            var chunked = Run(input, cuts);
            Assert.Equal(whole.Recorded, chunked.Recorded);
            Assert.Equal(whole.Replies, chunked.Replies);
            Assert.Equal(whole.Screen, chunked.Screen);
        }
    }

    [Fact]
    public void Process_RecordedPrograms_ScreenMatchesDirectFeedAndNothingButQueriesIsDropped()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        foreach (var bin in Directory.GetFiles(dir, "*.bin"))
        {
            var raw = File.ReadAllBytes(bin);
            var direct = new TerminalScreen(100, 30);
            direct.Feed(raw);
            var filtered = Run(raw, Enumerable.Repeat(4096, (raw.Length / 4096) + 1).ToList());
            Assert.Equal(string.Join("\n", direct.Snapshot().Lines), filtered.Screen);
            Assert.True(filtered.Recorded.Length <= raw.Length);
            Assert.True(filtered.Recorded.Length >= raw.Length - (filtered.Replies.Length * 4) - 64, Path.GetFileName(bin));
        }
    }

    private static (byte[] Recorded, string Replies, string Screen) Run(byte[] input, IReadOnlyList<int> cuts)
    {
        var filter = new TerminalFilter(new TerminalScreen(100, 30));
        var recorded = new ArrayBufferWriter<byte>();
        var replies = new ArrayBufferWriter<byte>();
        int offset = 0;
        foreach (int cut in cuts)
        {
            int n = Math.Min(cut, input.Length - offset);
            filter.Process(input.AsSpan(offset, n), recorded, replies);
            offset += n;
        }

        filter.Flush(recorded);
        return (recorded.WrittenSpan.ToArray(), Encoding.UTF8.GetString(replies.WrittenSpan),
            string.Join("\n", filter.Screen.Snapshot().Lines));
    }
}
