using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Store;
using Microsoft.Extensions.Time.Testing;

namespace Coven.Benchmarks;

/// <summary>
/// The recorded output that search is measured on (docs/benchmarks-store.md): N MB of <c>output</c> events (4 KiB each,
/// lines of 6–14 words from a 5,000-word vocabulary, "the" on every second line, "error" on every twentieth, one word in
/// eight coloured with SGR codes, CRLF) appended through the store's own batch append (as the lanes write them) in
/// batches of 20 events to 20 busy sessions and one small one (one event in 20,000), over simulated days (the store's
/// clock moves 20 s per batch), then indexed by the daemon's own
/// indexing pass (<see cref="OutputIndex.CatchUp"/> with its default batch). Built once per size into
/// /tmp/coven-search-bench-N.db (plus a flat file of the same rendered text for the peers) and reused.
/// </summary>
internal sealed class SearchCorpus
{
    public const string Rare = "zanzibarite";

    private const string Version = "3";

    private SearchCorpus(string db, string flat, string[] facts)
    {
        DatabasePath = db;
        FlatPath = flat;
        BigSession = facts[0];
        SmallSession = facts[1];
        Start = facts[2];
        End = facts[3];
        Summary = facts[4];
    }

    public string DatabasePath { get; }
    public string FlatPath { get; }
    public string BigSession { get; }
    public string SmallSession { get; }

    /// <summary>The store time of the first and the last batch.</summary>
    public string Start { get; }
    public string End { get; }

    /// <summary>What the build measured (sizes, append and index rates).</summary>
    public string Summary { get; }

    /// <summary>The store time <paramref name="fraction"/> of the way from <see cref="Start"/> to <see cref="End"/>.</summary>
    public string At(double fraction)
    {
        var start = Timestamps.Parse(Start);
        return Timestamps.Of(start + ((Timestamps.Parse(End) - start) * fraction));
    }

    public static SearchCorpus Open(int megabytes)
    {
        var db = $"/tmp/coven-search-bench-{megabytes}.db";
        var flat = $"/tmp/coven-search-bench-{megabytes}.txt";
        var done = db + ".done";
        if (!File.Exists(done) || File.ReadAllLines(done) is not [Version, ..])
        {
            foreach (var f in new[] { db, db + "-wal", db + "-shm", flat, done })
            {
                File.Delete(f);
            }

            File.WriteAllLines(done, [Version, .. Build(db, flat, megabytes)]);
        }

        return new SearchCorpus(db, flat, File.ReadAllLines(done)[1..]);
    }

    private static string[] Build(string db, string flatPath, int megabytes)
    {
        // The store's clock while the corpus is written: moved on by hand, so the output spans days.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = new CovenStore(db, clock);
        store.Migrate();
        var random = new Random(15);
        var words = Enumerable.Range(0, 5000).Select(i => Word(random)).ToArray();
        var sessions = Enumerable.Range(0, 20).Select(i => Create(store, "/tmp/p" + (i % 3), i % 2 == 0 ? "codex" : "claude", i)).ToArray();
        var small = Create(store, "/tmp/small", "codex", 20);
        using var flat = new StreamWriter(flatPath, false, new UTF8Encoding(false));
        var target = (long)megabytes << 20;
        long written = 0, lines = 0, batches = 0;
        var chunk = new StringBuilder();
        var plain = new StringBuilder();
        var batch = new List<NewEvent>();
        var start = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        while (written < target)
        {
            var toSmall = batches % 1000 == 100;
            var session = toSmall ? small : sessions[random.Next(sessions.Length)];
            for (var e = 0; e < (toSmall ? 1 : 20); e++)
            {
                // About 4 KiB of output per event: lines of 6-14 words, some coloured, CRLF as a PTY writes them.
                chunk.Clear();
                while (chunk.Length < 4000)
                {
                    var count = random.Next(6, 15);
                    var common = random.Next(2) == 0;
                    var error = random.Next(20) == 0;
                    for (var w = 0; w < count; w++)
                    {
                        var word = lines % 100_000 == 0 && w == 3 ? Rare
                            : w == 1 && common ? "the"
                            : w == 2 && error ? "error"
                            : words[(int)Math.Min(words.Length - 1, Math.Abs(random.NextDouble() * random.NextDouble()) * words.Length)];
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
            batches++;
            clock.Advance(TimeSpan.FromSeconds(20));
            flat.Write(plain);
            plain.Clear();
        }

        var end = clock.GetUtcNow();
        var appended = watch.Elapsed;
        watch.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var transactions = 0;
        while (store.Search.CatchUp() > 0)
        {
            transactions++;
        }

        var indexed = watch.Elapsed;
        var indexCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var size = new FileInfo(db).Length + (File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0);
        var mb = written / 1048576.0;
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{mb:0} MB of output in {lines:N0} lines; append {appended.TotalSeconds:0.0} s ({mb / appended.TotalSeconds:0.0} MB/s); index {indexed.TotalSeconds:0.0} s in {transactions} transactions ({mb / indexed.TotalSeconds:0.0} MB/s, {lines / indexed.TotalSeconds:N0} lines/s; CPU {indexCpu.TotalSeconds:0.0} s, {mb / indexCpu.TotalSeconds:0.0} MB per CPU second); db {size >> 20} MB; flat text {new FileInfo(flatPath).Length >> 20} MB");
        Console.WriteLine("// corpus: " + summary);
        return [sessions[0].Value, small.Value, Timestamps.Of(start), Timestamps.Of(end), summary];
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

    private static SessionId Create(CovenStore store, string root, string harness, int i)
    {
        var id = SessionId.New();
        store.Sessions.Create(
            new SessionRecord
            {
                Id = id,
                ProjectRoot = root,
                Cwd = "/tmp",
                Harness = harness,
                Title = "bench " + i,
                Status = SessionStatus.Pending,
                CreatedAt = store.Time.GetUtcNow(),
                UpdatedAt = store.Time.GetUtcNow(),
            },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = "/tmp" });
        return id;
    }
}
