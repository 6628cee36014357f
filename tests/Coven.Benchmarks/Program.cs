using BenchmarkDotNet.Running;
using Coven.Benchmarks;

if (args is ["search-latency", .. var sizes])
{
    // Latency percentiles per query type with the peers (docs/benchmarks-store.md); not a BenchmarkDotNet run.
    SearchLatency.Run(sizes);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
