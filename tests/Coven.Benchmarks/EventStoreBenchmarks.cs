using BenchmarkDotNet.Attributes;
using Coven.Core;
using Coven.Store;

namespace Coven.Benchmarks;

/// <summary>
/// Event append (batched, 200-byte payloads, as a lane writes PTY output) and event paging (as a follower reads).
/// Target (issue 2): at least 100,000 appended events/s batched.
/// </summary>
[MemoryDiagnoser]
public class EventStoreBenchmarks
{
    private const int EventsPerInvocation = 10_000;

    private string _dir = string.Empty;
    private CovenStore _store = null!;
    private SessionId _session;
    private NewEvent[][] _batches = [];
    private long _pageFrom;

    [Params(1, 100, 500)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine("/tmp", "cvn-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        _store = new CovenStore(Path.Combine(_dir, "coven.db"));
        _store.Migrate();
        _session = SessionId.New();
        _store.Sessions.Create(
            new SessionRecord
            {
                Id = _session,
                ProjectRoot = "/tmp",
                Cwd = "/tmp",
                Harness = "codex",
                Title = "bench",
                Status = SessionStatus.Pending,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = "/tmp" });

        // {"data":"<190 chars>"} = 200 bytes of payload JSON.
        var payload = "{\"data\":\"" + new string('x', 190) + "\"}";
        var batch = Enumerable.Repeat(new NewEvent("output", payload), BatchSize).ToArray();
        _batches = Enumerable.Repeat(batch, EventsPerInvocation / BatchSize).ToArray();

        for (var i = 0; i < 20; i++)
        {
            _store.Events.AppendBatch(_session, Enumerable.Repeat(new NewEvent("output", payload), 500).ToArray());
        }

        _pageFrom = _store.Events.Page(_session, 0, 1)[0].Seq;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Appends 10,000 events in batches of <see cref="BatchSize"/>; events/s = 10,000 / mean time.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation)]
    public long Append()
    {
        long last = 0;
        foreach (var batch in _batches)
        {
            last = _store.Events.AppendBatch(_session, batch);
        }

        return last;
    }

    /// <summary>Reads one page of 500 events (the API default) after a cursor.</summary>
    [Benchmark]
    public int Page500() => _store.Events.Page(_session, _pageFrom, 500).Count;
}
