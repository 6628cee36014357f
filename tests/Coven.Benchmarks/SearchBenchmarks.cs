using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Coven.Core;
using Coven.Core.Api;
using Coven.Store;

namespace Coven.Benchmarks;

/// <summary>
/// Search over recorded output (docs/search.md). Target (issue 15): a query over 1 GB of recorded output answers
/// in ≤ 50 ms. The corpus is <see cref="CorpusMB"/> MB of output events (lines of words with colour codes, as a
/// harness prints them) in 20 sessions, indexed through the daemon's own path (events → line assembler → FTS5),
/// built once per size into /tmp/coven-search-bench-N.db and reused by later runs. The peer is <c>grep -c</c> (and
/// <c>rg -c</c> when installed) over the same rendered text in a flat file.
/// </summary>
[MemoryDiagnoser]
public class SearchBenchmarks
{
    private const string Rare = "zanzibarite";
    private CovenStore _store = null!;
    private string _flat = string.Empty;
    private string _session = string.Empty;

    /// <summary>Corpus sizes in MB: COVEN_SEARCH_BENCH_MB (comma list, e.g. 16,64,256,1024), default 16,64.</summary>
    public static IEnumerable<int> Sizes =>
        (Environment.GetEnvironmentVariable("COVEN_SEARCH_BENCH_MB") ?? "16,64").Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));

    [ParamsSource(nameof(Sizes))]
    public int CorpusMB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var db = $"/tmp/coven-search-bench-{CorpusMB}.db";
        _flat = $"/tmp/coven-search-bench-{CorpusMB}.txt";
        if (!File.Exists(db + ".done"))
        {
            foreach (var f in new[] { db, db + "-wal", db + "-shm", _flat })
            {
                File.Delete(f);
            }

            Build(db);
        }

        _store = new CovenStore(db);
        _session = File.ReadAllText(db + ".done").Trim();
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    private void Build(string db)
    {
        using var store = new CovenStore(db);
        store.Migrate();
        var random = new Random(15);
        var words = Enumerable.Range(0, 5000).Select(i => Word(random)).ToArray();
        words[7] = "error";
        var sessions = Enumerable.Range(0, 20).Select(i => Create(store, i)).ToArray();
        using var flat = new StreamWriter(_flat, false, new UTF8Encoding(false));
        var target = (long)CorpusMB << 20;
        long written = 0, lines = 0;
        var chunk = new StringBuilder();
        var plain = new StringBuilder();
        var batch = new List<NewEvent>();
        var clock = Stopwatch.StartNew();
        while (written < target)
        {
            var session = sessions[random.Next(sessions.Length)];
            for (var e = 0; e < 200; e++)
            {
                // About 4 KiB of output per event: lines of 6-14 words, some coloured, CRLF as a PTY writes them.
                chunk.Clear();
                while (chunk.Length < 4000)
                {
                    var count = random.Next(6, 15);
                    for (var w = 0; w < count; w++)
                    {
                        var word = lines % 100_000 == 0 && w == 3 ? Rare : words[(int)Math.Min(words.Length - 1, Math.Abs(random.NextDouble() * random.NextDouble()) * words.Length)];
                        var sep = w == 0 ? string.Empty : " ";
                        if (random.Next(8) == 0)
                        {
                            chunk.Append(sep).Append("\e[3").Append(random.Next(8)).Append('m').Append(word).Append("\e[0m");
                        }
                        else
                        {
                            chunk.Append(sep).Append(word);
                        }

                        plain.Append(sep).Append(word);
                    }

                    chunk.Append("\r\n");
                    plain.Append('\n');
                    lines++;
                }

                written += chunk.Length;
                batch.Add(new NewEvent(EventKinds.Output, JsonSerializer.Serialize(new OutputPayload { Data = chunk.ToString() }, CovenJsonContext.Default.OutputPayload)));
            }

            store.Events.AppendBatch(session, batch);
            batch.Clear();
            flat.Write(plain);
            plain.Clear();
        }

        var appended = clock.Elapsed;
        clock.Restart();
        while (store.Search.CatchUp(2000) > 0)
        {
        }

        var indexed = clock.Elapsed;
        var size = new FileInfo(db).Length + (File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0);
        Console.WriteLine($"// corpus: {written >> 20} MB of output in {lines} lines; append {appended.TotalSeconds:0.0} s, index {indexed.TotalSeconds:0.0} s ({(written >> 20) / indexed.TotalSeconds:0.0} MB/s); db {size >> 20} MB");
        File.WriteAllText(db + ".done", sessions[0].Value);
    }

    private static string Word(Random random)
    {
        var length = random.Next(3, 11);
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });
    }

    private static SessionId Create(CovenStore store, int i)
    {
        var id = SessionId.New();
        store.Sessions.Create(
            new SessionRecord
            {
                Id = id,
                ProjectRoot = "/tmp/p" + (i % 3),
                Cwd = "/tmp",
                Harness = i % 2 == 0 ? "codex" : "claude",
                Title = "bench " + i,
                Status = SessionStatus.Pending,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = "/tmp" });
        return id;
    }

    [Benchmark(Description = "search rare word (all hits)")]
    public int RareWord() => _store.Search.Query(new SearchQuery { Match = Rare, Limit = 1000 }).Hits.Count;

    [Benchmark(Description = "search common word, newest 50, -C 2")]
    public int CommonWord() => _store.Search.Query(new SearchQuery { Match = "error", Limit = 50, Context = 2 }).Hits.Count;

    [Benchmark(Description = "search common word in one session + harness")]
    public int CommonWordFiltered() => _store.Search.Query(new SearchQuery { Match = "error", SessionId = _session, Harness = "codex", Limit = 50 }).Hits.Count;

    [Benchmark(Description = "search phrase of two common words")]
    public int Phrase() => _store.Search.Query(new SearchQuery { Match = "\"error " + "the\" OR \"error error\"", Limit = 50 }).Hits.Count;

    [Benchmark(Baseline = true, Description = "peer: grep -c rare word, flat file")]
    public string GrepRare() => Run("grep", "-c", Rare, _flat);

    /// <summary>ripgrep (Debian package ripgrep): fails when it is not installed, rather than measuring nothing.</summary>
    [Benchmark(Description = "peer: rg -c rare word, flat file")]
    public string RipgrepRare() => Run("rg", "-c", Rare, _flat);

    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
