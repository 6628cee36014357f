using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Coven.Core.Redaction;

namespace Coven.Benchmarks;

/// <summary>
/// The lane's stream redactor (issue 15: redaction may cost the lane at most 10 % of its throughput) on the lane
/// benchmark's 50 MB payload (random base64, 76-column lines, CRLF as a PTY delivers them) and on recorded TUI
/// output, in the chunk sizes a PTY read gives. Baseline in the same run: passing the chunks through without
/// redaction (a copy into the same output buffer, which the recorder does either way).
/// </summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private const int TargetBytes = 50_000_000;
    private byte[] _data = [];
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);

    [Params("base64", "tui")]
    public string Corpus { get; set; } = "base64";

    [Params(4096)]
    public int ChunkBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Corpus == "base64")
        {
            // What tests/bench/lane-bench.sh prints: head -c 37500000 /dev/urandom | base64, through a PTY (ONLCR).
            var random = new Random(50);
            var raw = new byte[37_500_000];
            random.NextBytes(raw);
            var text = Convert.ToBase64String(raw);
            var sb = new StringBuilder(TargetBytes + 1_000_000);
            for (var i = 0; i < text.Length; i += 76)
            {
                sb.Append(text, i, Math.Min(76, text.Length - i)).Append("\r\n");
            }

            _data = Encoding.ASCII.GetBytes(sb.ToString());
        }
        else
        {
            var recordings = new List<byte>();
            var assembly = typeof(RedactionBenchmarks).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("fixtures/", StringComparison.Ordinal) && !n.StartsWith("fixtures/random-ops", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                recordings.AddRange(memory.ToArray());
            }

            var one = recordings.ToArray();
            _data = new byte[TargetBytes];
            for (var i = 0; i < _data.Length; i += one.Length)
            {
                one.AsSpan(0, Math.Min(one.Length, _data.Length - i)).CopyTo(_data.AsSpan(i));
            }
        }
    }

    [Benchmark(Baseline = true, Description = "pass-through (no redaction)")]
    public long PassThrough()
    {
        long total = 0;
        for (var i = 0; i < _data.Length; i += ChunkBytes)
        {
            _output.ResetWrittenCount();
            var chunk = _data.AsSpan(i, Math.Min(ChunkBytes, _data.Length - i));
            chunk.CopyTo(_output.GetSpan(chunk.Length));
            _output.Advance(chunk.Length);
            total += _output.WrittenCount;
        }

        return total;
    }

    [Benchmark(Description = "stream redactor (built-in rules)")]
    public long Redact()
    {
        var redactor = new StreamRedactor(RedactionRules.Default);
        long total = 0;
        for (var i = 0; i < _data.Length; i += ChunkBytes)
        {
            _output.ResetWrittenCount();
            redactor.Write(_data.AsSpan(i, Math.Min(ChunkBytes, _data.Length - i)), _output);
            total += _output.WrittenCount;
        }

        _output.ResetWrittenCount();
        redactor.Flush(_output);
        return total + _output.WrittenCount;
    }
}
