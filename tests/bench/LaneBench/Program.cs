using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coven.Core;
using Coven.Store;

// Drives a real coven-lane against a temp store and prints one JSON line of measurements.
//   LaneBench throughput <lane> <file>   harness `cat <file>`; MB/s from handshake to exit committed
//   LaneBench echo <lane> <count>        raw-mode `cat`; control-socket input -> output event committed
//   LaneBench idle <lane> <starts>       start -> handshake (harness running) times; idle RSS after 2 s
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: LaneBench throughput|echo|idle <lane> <arg>");
    return 2;
}

var lane = args[1];
return args[0] switch
{
    "throughput" => await Bench.ThroughputAsync(lane, args[2]),
    "echo" => await Bench.EchoAsync(lane, int.Parse(args[2], CultureInfo.InvariantCulture)),
    "idle" => await Bench.IdleAsync(lane, int.Parse(args[2], CultureInfo.InvariantCulture)),
    _ => 2,
};

internal static class Bench
{
    public static async Task<int> ThroughputAsync(string lanePath, string file)
    {
        using var home = new Home("/bin/cat", [file]);
        var clock = Stopwatch.StartNew();
        var (process, _) = await home.StartLaneAsync(lanePath);
        var handshake = clock.Elapsed;
        await using var client = await Client.ConnectAsync(home.Socket);
        await client.RequestAsync("subscribe");
        await client.WaitForAsync("exited");
        var total = clock.Elapsed;
        await process.WaitForExitAsync();

        long recorded = 0;
        long after = 0;
        while (true)
        {
            var page = home.Store.Events.Page(home.Session, after, 1000, EventKinds.Output);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var e in page)
            {
                using var doc = JsonDocument.Parse(e.PayloadJson);
                recorded += doc.RootElement.TryGetProperty("data", out var d) ? Encoding.UTF8.GetByteCount(d.GetString()!) : doc.RootElement.GetProperty("dataBase64").GetBytesFromBase64().Length;
            }

            after = page[^1].Seq;
        }

        var seconds = (total - handshake).TotalSeconds;
        Console.WriteLine(new JsonObject
        {
            ["recordedBytes"] = recorded,
            ["events"] = home.Store.Events.Count(home.Session),
            ["secondsFromHandshake"] = Math.Round(seconds, 3),
            ["secondsFromStart"] = Math.Round(total.TotalSeconds, 3),
            ["mbPerSecond"] = Math.Round(recorded / 1e6 / seconds, 1),
            ["reader"] = home.LaneLogLine("end of output:"),
            ["recorder"] = home.LaneLogLine("recorder done:"),
        }.ToJsonString());
        return 0;
    }

    public static async Task<int> EchoAsync(string lanePath, int count)
    {
        using var home = new Home("/bin/sh", ["-c", "stty raw -echo; echo READY; exec cat"]);
        var (process, _) = await home.StartLaneAsync(lanePath);
        await using var client = await Client.ConnectAsync(home.Socket);
        await client.RequestAsync("subscribe");
        while (!home.Store.Events.Page(home.Session, 0, 100, EventKinds.Output).Any(e => e.PayloadJson.Contains("READY", StringComparison.Ordinal)))
        {
            await Task.Delay(10);
        }

        // Notifications are cursors: only one past everything committed so far belongs to the next keystroke.
        var last = (await client.RequestAsync("status"))["lastSeq"]!.GetValue<long>();
        var samples = new List<double>(count);
        for (var i = 0; i < count + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.SendAsync("input", new JsonObject { ["data"] = "k" });
            long seq;
            do
            {
                seq = (await client.WaitForAsync("appended"))["seq"]!.GetValue<long>();
            }
            while (seq <= last);

            last = seq;
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= 20)
            {
                samples.Add(elapsed);
            }
        }

        await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 500 });
        await client.WaitForAsync("exited");
        await process.WaitForExitAsync();
        samples.Sort();
        Console.WriteLine(new JsonObject
        {
            ["keystrokes"] = count,
            ["p50Ms"] = Math.Round(Percentile(samples, 0.50), 3),
            ["p90Ms"] = Math.Round(Percentile(samples, 0.90), 3),
            ["p99Ms"] = Math.Round(Percentile(samples, 0.99), 3),
            ["maxMs"] = Math.Round(samples[^1], 3),
        }.ToJsonString());
        return 0;
    }

    public static async Task<int> IdleAsync(string lanePath, int starts)
    {
        var startMs = new List<double>();
        long rssKb = 0;
        for (var i = 0; i < starts; i++)
        {
            using var home = new Home("/bin/sleep", ["1000"]);
            var clock = Stopwatch.StartNew();
            var (process, handshake) = await home.StartLaneAsync(lanePath);
            startMs.Add(clock.Elapsed.TotalMilliseconds);
            if (i == starts - 1)
            {
                // Idle: the harness prints nothing; let the runtime settle before measuring.
                await Task.Delay(2000);
                rssKb = ReadRssKb(process.Id);
            }

            await using var client = await Client.ConnectAsync(home.Socket);
            await client.RequestAsync("subscribe");
            await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 500 });
            await client.WaitForAsync("exited");
            await process.WaitForExitAsync();
            _ = handshake;
        }

        startMs.Sort();
        Console.WriteLine(new JsonObject
        {
            ["starts"] = starts,
            ["startToHarnessRunningP50Ms"] = Math.Round(Percentile(startMs, 0.5), 1),
            ["startToHarnessRunningMinMs"] = Math.Round(startMs[0], 1),
            ["startToHarnessRunningMaxMs"] = Math.Round(startMs[^1], 1),
            ["idleRssKb"] = rssKb,
        }.ToJsonString());
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static long ReadRssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

internal sealed class Home : IDisposable
{
    public Home(string executable, IReadOnlyList<string> args)
    {
        Path = "/tmp/cvn-bench-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(Path);
        Store = new CovenStore(System.IO.Path.Combine(Path, "coven.db"));
        Store.Migrate();
        Session = SessionId.New();
        var now = DateTimeOffset.UtcNow;
        Store.Sessions.Create(
            new SessionRecord { Id = Session, ProjectRoot = Path, Cwd = Path, Harness = "bench", Title = "bench", Status = SessionStatus.Pending, CreatedAt = now, UpdatedAt = now },
            new LaunchSpec { Executable = executable, Arguments = args, WorkingDirectory = Path, Environment = LaunchSpec.DefaultEnvironment, UnsetEnvironment = LaunchSpec.DefaultUnset });
    }

    public string Path { get; }

    public CovenStore Store { get; }

    public SessionId Session { get; }

    public string Socket => new CovenPaths(Path).LaneSocket(Session);

    public async Task<(Process Process, string Handshake)> StartLaneAsync(string lanePath)
    {
        var psi = new ProcessStartInfo(lanePath) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--session", Session.ToString(), "--home", Path })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        // Byte by byte: StreamReader.ReadLineAsync does not return while the writer keeps the pipe open.
        var line = new List<byte>();
        var one = new byte[1];
        while (await process.StandardOutput.BaseStream.ReadAsync(one) == 1 && one[0] != '\n')
        {
            line.Add(one[0]);
        }

        var text = Encoding.UTF8.GetString([.. line]);
        if (!text.Contains("\"ok\":true", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("lane failed: " + text);
        }

        return (process, text);
    }

    /// <summary>The part after <paramref name="marker"/> of the lane log line that contains it.</summary>
    public string? LaneLogLine(string marker)
    {
        var log = System.IO.Path.Combine(Path, "logs", $"lane-{Session}.log");
        var line = File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.Contains(marker, StringComparison.Ordinal)) : null;
        return line?[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();
    }

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}

internal sealed class Client : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private int _id;

    private Client(Socket socket) => _stream = new NetworkStream(socket, ownsSocket: true);

    public static async Task<Client> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new Client(socket);
    }

    public async Task SendAsync(string op, JsonObject? fields = null)
    {
        var request = new JsonObject { ["v"] = 1, ["id"] = ++_id, ["op"] = op };
        foreach (var (k, v) in fields ?? [])
        {
            request[k] = v?.DeepClone();
        }

        var payload = Encoding.UTF8.GetBytes(request.ToJsonString());
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await _stream.WriteAsync(frame);
    }

    public async Task<JsonObject> RequestAsync(string op, JsonObject? fields = null)
    {
        await SendAsync(op, fields);
        while (true)
        {
            var message = await ReadAsync();
            if (message.ContainsKey("id"))
            {
                return message;
            }
        }
    }

    /// <summary>Reads until a notification with this event name (replies in between are skipped).</summary>
    public async Task<JsonObject> WaitForAsync(string name)
    {
        while (true)
        {
            var message = await ReadAsync();
            if ((string?)message["event"] == name)
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    private async Task<JsonObject> ReadAsync()
    {
        var header = new byte[4];
        await _stream.ReadExactlyAsync(header);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await _stream.ReadExactlyAsync(payload);
        return JsonNode.Parse(payload)!.AsObject();
    }
}
