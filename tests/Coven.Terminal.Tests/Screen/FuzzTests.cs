using System.Buffers;
using System.Text;

namespace Coven.Terminal.Tests.Screen;

public sealed class FuzzTests
{
    private static readonly string[] Fragments =
    [
        "\e[", "\e]", "\eP", "\e_", "\e^", "\eX", "\e", "\e(0", "\e(B", "\e#8", "\e7", "\e8", "\eM", "\eD", "\eE", "\ec",
        ";", ":", "?", ">", "$", "!", " ", "\a", "\e\\", "\u0018", "\u001a", "\r", "\n", "\b", "\t", "\u000e", "\u000f",
        "1", "9", "25", "1049", "2004", "47", "6", "7", "99999999", "-1", "0",
        "h", "l", "m", "H", "J", "K", "L", "M", "P", "@", "X", "S", "T", "r", "s", "u", "b", "c", "n", "q", "p", "g", "G", "d",
        "abc", "中文", "😀", "e\u0301", "\u200d", "\ufe0f", "\u0085",
    ];

    [Fact]
    public void Feed_FiveMegabytesOfRandomBytes_NeverThrowsAndStaysBounded()
    {
        var random = new Random(1234);
        var chunk = new byte[64 * 1024];
        var screen = new TerminalScreen(80, 24, scrollbackLines: 500);
        screen.Feed(new byte[1]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 80; i++)
        {
            random.NextBytes(chunk);
            int offset = 0;
            while (offset < chunk.Length)
            {
                int n = Math.Min(random.Next(1, 4096), chunk.Length - offset);
                screen.Feed(chunk.AsSpan(offset, n));
                offset += n;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(screen.ScrollbackCount <= 500);

        // Random bytes print many combining marks, titles and scrollback rows; everything is bounded, so
        // 5 MB of input must not allocate anything near its own size times a large factor.
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated} bytes");
        var snapshot = screen.Snapshot();
        Assert.Equal(24, snapshot.Lines.Count);
        Assert.InRange(snapshot.CursorRow, 0, 23);
        Assert.InRange(snapshot.CursorColumn, 0, 79);
    }

    [Fact]
    public void Feed_RandomEscapeHeavySequences_NeverThrowAndKeepInvariants()
    {
        var random = new Random(42);
        var screen = new TerminalScreen(40, 12, scrollbackLines: 200);
        var sb = new StringBuilder();
        for (int round = 0; round < 2000; round++)
        {
            sb.Clear();
            int count = random.Next(1, 60);
            for (int i = 0; i < count; i++)
            {
                sb.Append(Fragments[random.Next(Fragments.Length)]);
            }

            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            int split = random.Next(bytes.Length + 1);
            screen.Feed(bytes.AsSpan(0, split));
            screen.Feed(bytes.AsSpan(split));
            if (round % 100 == 0)
            {
                screen.Resize(random.Next(1, 60), random.Next(1, 20));
            }

            Assert.InRange(screen.CursorRow, 0, screen.Rows - 1);
            Assert.InRange(screen.CursorColumn, 0, screen.Columns - 1);
        }

        Assert.True(screen.ScrollbackCount <= 200);
        _ = screen.RenderAnsi();
        _ = screen.ScrollbackLines;
    }

    [Fact]
    public void Filter_RandomEscapeHeavySequences_RecordsEverythingButQueries()
    {
        var random = new Random(7);
        var filter = new TerminalFilter(new TerminalScreen(40, 12));
        var recorded = new ArrayBufferWriter<byte>();
        var replies = new ArrayBufferWriter<byte>();
        long inputBytes = 0;
        for (int round = 0; round < 2000; round++)
        {
            var sb = new StringBuilder();
            int count = random.Next(1, 40);
            for (int i = 0; i < count; i++)
            {
                sb.Append(Fragments[random.Next(Fragments.Length)]);
            }

            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            inputBytes += bytes.Length;
            int split = random.Next(bytes.Length + 1);
            filter.Process(bytes.AsSpan(0, split), recorded, replies);
            filter.Process(bytes.AsSpan(split), recorded, replies);
            Assert.InRange(filter.HeldBytes, 0, TerminalFilter.MaxHeldBytes);
        }

        filter.Flush(recorded);
        Assert.True(recorded.WrittenCount <= inputBytes);
        Assert.True(recorded.WrittenCount > inputBytes / 2);
    }

    [Fact]
    public void Feed_EndlessDcsAndApcStrings_DoNotGrowAndParserRecovers()
    {
        var screen = new TerminalScreen(20, 2);
        var payload = Encoding.ASCII.GetBytes(new string('q', 1 << 20));
        screen.Feed("\eP1$r"u8);
        long before = GC.GetAllocatedBytesForCurrentThread();
        screen.Feed(payload);
        screen.Feed("\e\\\e_"u8);
        screen.Feed(payload);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        screen.Feed("\e\\ok"u8);
        Assert.Equal("ok", screen.Line(0));
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Feed_PlainTextHotPath_AllocatesNothingOnceScrollbackIsFull()
    {
        var screen = new TerminalScreen(80, 24, scrollbackLines: 100);
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox \e[1mjumps\e[0m over the lazy dog\r\n", 500)));
        screen.Feed(text);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            screen.Feed(text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
