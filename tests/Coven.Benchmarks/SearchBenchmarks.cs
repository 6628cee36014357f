using BenchmarkDotNet.Attributes;
using Coven.Store;

namespace Coven.Benchmarks;

/// <summary>
/// Search over recorded output (docs/search.md). Target (issue 15): a query over 1 GB of recorded output answers
/// in ≤ 50 ms. Corpora and query types: <see cref="SearchCorpus"/>, <see cref="SearchLatency.Queries"/> (the
/// <c>search-latency</c> mode of this program reports their p50/p95). The peers are <c>grep -c</c> and <c>rg -c</c>
/// over the same rendered text in a flat file.
/// </summary>
[MemoryDiagnoser]
public class SearchBenchmarks
{
    private CovenStore _store = null!;
    private SearchCorpus _corpus = null!;
    private SearchQuery _query = null!;

    /// <summary>Corpus sizes in MB: COVEN_SEARCH_BENCH_MB (comma list, e.g. 64,256,1024), default 16,64.</summary>
    public static IEnumerable<int> Sizes =>
        (Environment.GetEnvironmentVariable("COVEN_SEARCH_BENCH_MB") ?? "16,64").Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));

    public static IEnumerable<int> QueryIndexes => Enumerable.Range(0, 17);

    [ParamsSource(nameof(Sizes))]
    public int CorpusMB { get; set; }

    /// <summary>The index of the query type in <see cref="SearchLatency.Queries"/>.</summary>
    [ParamsSource(nameof(QueryIndexes))]
    public int Query { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _corpus = SearchCorpus.Open(CorpusMB);
        _store = new CovenStore(_corpus.DatabasePath);
        _query = SearchLatency.Queries(_corpus)[Query].Query;
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Description = "search")]
    public int Search() => _store.Search.Query(_query).Hits.Count;
}

/// <summary>The peers of <see cref="SearchBenchmarks"/>: <c>rg -c</c> and <c>grep -c</c> over the same text in a flat file, a process per call.</summary>
[MemoryDiagnoser]
public class SearchPeerBenchmarks
{
    private SearchCorpus _corpus = null!;

    [ParamsSource(nameof(Sizes))]
    public int CorpusMB { get; set; }

    public static IEnumerable<int> Sizes => SearchBenchmarks.Sizes;

    [GlobalSetup]
    public void Setup() => _corpus = SearchCorpus.Open(CorpusMB);

    /// <summary>ripgrep (Debian package ripgrep): fails when it is not installed, rather than measuring nothing.</summary>
    [Benchmark(Description = "peer: rg -c rare word, flat file")]
    public string RipgrepRare() => SearchLatency.RunPeer("rg", "-c", SearchCorpus.Rare, _corpus.FlatPath);

    [Benchmark(Baseline = true, Description = "peer: grep -c rare word, flat file")]
    public string GrepRare() => SearchLatency.RunPeer("grep", "-c", SearchCorpus.Rare, _corpus.FlatPath);
}
