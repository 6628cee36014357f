using System.Diagnostics;
using System.Globalization;
using Coven.Store;

namespace Coven.Benchmarks;

/// <summary>
/// Search latency per query type (p50/p95 over many runs, which BenchmarkDotNet's means do not give), with the peers
/// <c>rg -c</c> and <c>grep -c</c> over the same rendered text in a flat file, in the same run:
/// <c>dotnet run -c Release --project tests/Coven.Benchmarks -- search-latency [MB,MB,...]</c> (sizes default to
/// COVEN_SEARCH_BENCH_MB, else 64). Corpora: <see cref="SearchCorpus"/>.
/// </summary>
internal static class SearchLatency
{
    /// <summary>The query types measured (the same ones <see cref="SearchBenchmarks"/> runs).</summary>
    public static IReadOnlyList<(string Name, SearchQuery Query)> Queries(SearchCorpus c) =>
    [
        ("rare word, all hits", new SearchQuery { Match = SearchCorpus.Rare, Limit = 1000 }),
        ("word on 50 % of lines, newest 50, -C 2", new SearchQuery { Match = "the", Limit = 50, Context = 2 }),
        ("word on 50 % of lines, newest 50, page 2 (cursor)", new SearchQuery { Match = "the", Limit = 50 }),
        ("word on 5 % of lines, newest 50", new SearchQuery { Match = "error", Limit = 50 }),
        ("both words (AND), newest 50", new SearchQuery { Match = "the error", Limit = 50 }),
        ("phrase of both (on 2.5 % of lines), newest 50", new SearchQuery { Match = "\"the error\"", Limit = 50 }),
        ("phrase of both in the order they never stand in (0 hits)", new SearchQuery { Match = "\"error the\"", Limit = 50 }),
        ("prefix er*, newest 50", new SearchQuery { Match = "er*", Limit = 50 }),
        ("word on 50 %, one busy session + harness", new SearchQuery { Match = "the", SessionId = c.BigSession, Harness = "codex", Limit = 50 }),
        ("word on 50 %, the small session (0.005 % of lines)", new SearchQuery { Match = "the", SessionId = c.SmallSession, Limit = 50 }),
        ("word on 50 %, the small session's project", new SearchQuery { Match = "the", ProjectRoot = "/tmp/small", Limit = 50 }),
        ("word on 50 %, one project of 7 sessions", new SearchQuery { Match = "the", ProjectRoot = "/tmp/p0", Limit = 50 }),
        ("word on 50 %, harness claude (10 sessions)", new SearchQuery { Match = "the", Harness = "claude", Limit = 50 }),
        ("word on 50 %, since (newest 1 % of the time)", new SearchQuery { Match = "the", Since = c.At(0.99), Limit = 50 }),
        ("word on 50 %, until (oldest 1 % of the time)", new SearchQuery { Match = "the", Until = c.At(0.01), Limit = 50 }),
        ("word on 5 %, a 0.1 % window in the middle", new SearchQuery { Match = "error", Since = c.At(0.500), Until = c.At(0.501), Limit = 50 }),
        ("rare word, the small session, all hits", new SearchQuery { Match = SearchCorpus.Rare, SessionId = c.SmallSession, Limit = 1000 }),
    ];

    public static void Run(string[] args)
    {
        var sizes = (args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("COVEN_SEARCH_BENCH_MB") ?? "64")
            .Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture));
        foreach (var mb in sizes)
        {
            Console.WriteLine($"## {mb} MB — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {Load()}");
            var corpus = SearchCorpus.Open(mb);
            Console.WriteLine("corpus: " + corpus.Summary);
            using var store = new CovenStore(corpus.DatabasePath);
            Console.WriteLine();
            Console.WriteLine("| query | hits | p50 | p95 | max | CPU p50 | CPU p95 | runs |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, q) in Queries(corpus))
            {
                var query = q;
                if (name.Contains("page 2", StringComparison.Ordinal))
                {
                    query = q with { BeforeId = store.Search.Query(q).Hits[^1].Id };
                }

                var hits = 0;
                Row(name, () => hits = store.Search.Query(query).Hits.Count, () => hits, maxRuns: 200);
            }

            foreach (var (tool, word) in new[] { ("rg", SearchCorpus.Rare), ("grep", SearchCorpus.Rare), ("rg", "error"), ("grep", "error") })
            {
                var count = string.Empty;
                Row($"peer: `{tool} -c {word}`, flat file", () => count = RunPeer(tool, "-c", word, corpus.FlatPath).Trim(), () => long.Parse(count, CultureInfo.InvariantCulture), maxRuns: 20);
            }

            Console.WriteLine();
            Console.WriteLine($"load after: {Load()}");
        }
    }

    private static void Row(string name, Action run, Func<long> hits, int maxRuns)
    {
        for (var i = 0; i < 3; i++)
        {
            run();
        }

        var times = new List<double>();
        var cpu = new List<double>();
        var budget = Stopwatch.StartNew();
        while (times.Count < maxRuns && (times.Count < 5 || budget.Elapsed < TimeSpan.FromSeconds(10)))
        {
            var before = ThreadCpuMs();
            var watch = Stopwatch.StartNew();
            run();
            times.Add(watch.Elapsed.TotalMilliseconds);
            cpu.Add(ThreadCpuMs() - before);
        }

        times.Sort();
        cpu.Sort();
        static double P(List<double> list, double p) => list[Math.Min(list.Count - 1, (int)Math.Ceiling(p * list.Count) - 1)];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {hits()} | {P(times, 0.50):0.00} ms | {P(times, 0.95):0.00} ms | {times[^1]:0.00} ms | {P(cpu, 0.50):0.00} ms | {P(cpu, 0.95):0.00} ms | {times.Count} |"));
    }

    /// <summary>
    /// CPU time of this thread (getrusage RUSAGE_THREAD, microseconds): at a load of 20 on two cores a query's wall
    /// time is mostly waiting for a core, its CPU time is not. A peer's work is in its own process: 0 here.
    /// </summary>
    private static double ThreadCpuMs()
    {
        _ = GetRUsage(1, out var usage);
        return ((usage.UserSeconds + usage.SystemSeconds) * 1000.0) + ((usage.UserMicros + usage.SystemMicros) / 1000.0);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public long Rest0, Rest1, Rest2, Rest3, Rest4, Rest5, Rest6, Rest7, Rest8, Rest9, Rest10, Rest11, Rest12, Rest13;
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0..3] is var l ? string.Join(' ', l) : string.Empty;

    /// <summary>Runs a peer to its end; its output (a failing peer is an error, not a measurement).</summary>
    internal static string RunPeer(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {p.ExitCode}");
        }

        return output;
    }
}
