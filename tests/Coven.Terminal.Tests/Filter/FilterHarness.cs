using System.Buffers;
using System.Text;

namespace Coven.Terminal.Tests.Filter;

/// <summary>A filter with its two outputs collected, driven by strings.</summary>
internal sealed class FilterHarness
{
    private readonly ArrayBufferWriter<byte> _recorded = new();
    private readonly ArrayBufferWriter<byte> _replies = new();

    public FilterHarness(int columns = 80, int rows = 24)
    {
        Filter = new TerminalFilter(new TerminalScreen(columns, rows), "1.2.3");
    }

    public TerminalFilter Filter { get; }

    public string Recorded => Encoding.UTF8.GetString(_recorded.WrittenSpan);

    public byte[] RecordedBytes => _recorded.WrittenSpan.ToArray();

    public string Replies => Encoding.UTF8.GetString(_replies.WrittenSpan);

    public FilterHarness Process(string text) => Process(Encoding.UTF8.GetBytes(text));

    public FilterHarness Process(ReadOnlySpan<byte> bytes)
    {
        Filter.Process(bytes, _recorded, _replies);
        return this;
    }

    public FilterHarness Flush()
    {
        Filter.Flush(_recorded);
        return this;
    }
}
