using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Coven.Terminal;

namespace Coven.Benchmarks;

/// <summary>
/// Throughput of the terminal model. Each operation feeds <see cref="PayloadBytes"/> bytes in 4 KiB
/// chunks (a typical PTY read); MB/s = PayloadBytes / mean time.
/// </summary>
[MemoryDiagnoser]
public class TerminalBenchmarks
{
    private const int TargetBytes = 4 * 1024 * 1024;
    private const int ChunkSize = 4096;

    private byte[] _tui = [];
    private byte[] _plain = [];
    private byte[] _unicode = [];
    private TerminalScreen _screen = null!;

    [Params("tui", "plain", "unicode")]
    public string Payload { get; set; } = "tui";

    public int PayloadBytes => Data.Length;

    private byte[] Data => Payload switch
    {
        "plain" => _plain,
        "unicode" => _unicode,
        _ => _tui,
    };

    [GlobalSetup]
    public void Setup()
    {
        // Recorded sessions of real programs (tests/Coven.Terminal.Tests/Fixtures), repeated. The
        // random-ops fixtures are synthetic stress input, not typical output, so they are left out.
        var recordings = new List<byte>();
        var assembly = typeof(TerminalBenchmarks).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("fixtures/", StringComparison.Ordinal) && !n.StartsWith("fixtures/random-ops", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            recordings.AddRange(memory.ToArray());
        }

        _tui = Repeat(recordings.ToArray());

        var log = new StringBuilder();
        for (int i = 0; log.Length < TargetBytes; i++)
        {
            log.Append("2026-11-25T08:00:00Z info  request ").Append(i).Append(" handled in 12ms path=/api/sessions status=200\r\n");
        }

        _plain = Encoding.UTF8.GetBytes(log.ToString());
        _unicode = Repeat(Encoding.UTF8.GetBytes("日本語のテキスト — résumé naïve ✓ 😀 中文字符 한국어 \e[32mok\e[0m\r\n"));
        _screen = new TerminalScreen(120, 40);
    }

    [Benchmark]
    public int Feed()
    {
        var data = Data.AsSpan();
        for (int offset = 0; offset < data.Length; offset += ChunkSize)
        {
            _screen.Feed(data.Slice(offset, Math.Min(ChunkSize, data.Length - offset)));
        }

        return _screen.CursorRow;
    }

    [Benchmark]
    public int FilterProcess()
    {
        var filter = new TerminalFilter(_screen);
        var recorded = new NullWriter();
        var data = Data.AsSpan();
        for (int offset = 0; offset < data.Length; offset += ChunkSize)
        {
            filter.Process(data.Slice(offset, Math.Min(ChunkSize, data.Length - offset)), recorded, recorded);
        }

        return recorded.Written;
    }

    [Benchmark]
    public int Snapshot() => _screen.Snapshot().Lines.Count;

    private static byte[] Repeat(byte[] unit)
    {
        int times = Math.Max(1, TargetBytes / Math.Max(1, unit.Length));
        var result = new byte[unit.Length * times];
        for (int i = 0; i < times; i++)
        {
            unit.CopyTo(result, i * unit.Length);
        }

        return result;
    }

    /// <summary>Counts bytes without keeping them, so the benchmark measures the filter only.</summary>
    private sealed class NullWriter : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public int Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer;
    }
}
