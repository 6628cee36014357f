using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coven.Core;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Lane.Tests;

/// <summary>
/// A real coven-lane process on a temp COVEN_HOME with a real SQLite store and fake harness scripts first on PATH.
/// </summary>
internal sealed class LaneRun : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private Process? _process;

    public LaneRun()
    {
        Home = new TempDir();
        Paths = new CovenPaths(Home.Path);
        Harness = new FakeHarness(Home.Combine("bin"));
        Store = new CovenStore(Paths.Database);
        Store.Migrate();
        Session = SessionId.New();
    }

    /// <summary>The lane under test: the build output, or COVEN_TEST_LANE (for example the NativeAOT publish).</summary>
    public static string LaneExecutable =>
        Environment.GetEnvironmentVariable("COVEN_TEST_LANE") is { Length: > 0 } path ? path : RepoPaths.Executable("coven-lane");

    public TempDir Home { get; }

    public CovenPaths Paths { get; }

    public FakeHarness Harness { get; }

    public CovenStore Store { get; }

    public SessionId Session { get; }

    public string SocketPath => Paths.LaneSocket(Session);

    public JsonObject? HandshakeLine { get; private set; }

    public int LanePid => HandshakeLine!["lanePid"]!.GetValue<int>();

    public int HarnessPid => HandshakeLine!["harnessPid"]!.GetValue<int>();

    public Process LaneProcess => _process!;

    /// <summary>Writes a harness script and records a pending session whose launch spec runs it.</summary>
    public void CreateSession(string harnessBody, IReadOnlyList<string>? args = null, int cols = 120, int rows = 40, string? executable = null, ActivitySettings? activity = null)
    {
        var path = executable ?? Harness.Write("fake-harness", harnessBody);
        var env = new Dictionary<string, string>(LaunchSpec.DefaultEnvironment) { ["PATH"] = Harness.PathVariable };
        var spec = new LaunchSpec
        {
            Executable = path,
            Arguments = args ?? [],
            WorkingDirectory = Home.Path,
            Environment = env,
            UnsetEnvironment = LaunchSpec.DefaultUnset,
            Columns = cols,
            Rows = rows,
            Activity = activity,
        };
        var now = DateTimeOffset.UtcNow;
        Store.Sessions.Create(
            new SessionRecord
            {
                Id = Session,
                ProjectRoot = Home.Path,
                Cwd = Home.Path,
                Harness = "fake",
                Title = "test",
                Status = SessionStatus.Pending,
                CreatedAt = now,
                UpdatedAt = now,
                Columns = cols,
                Rows = rows,
            },
            spec);
    }

    /// <summary>Starts the lane directly and reads its handshake line.</summary>
    public async Task<JsonObject> StartAsync()
    {
        _process = Process.Start(StartInfo("--session", Session.ToString()))!;
        return await ReadHandshakeAsync();
    }

    /// <summary>
    /// Starts the lane as the daemon does, a spare (<c>--spare</c>), and hands it <paramref name="assignment"/> on stdin
    /// (the daemon's JSON object; by default this session, no environment), then reads its handshake line.
    /// </summary>
    public async Task<JsonObject> StartSpareAsync(string? assignment = null)
    {
        StartSpare();
        await _process!.StandardInput.WriteAsync(assignment ?? new JsonObject { ["session"] = Session.ToString() }.ToJsonString());
        _process.StandardInput.Close();
        return await ReadHandshakeAsync();
    }

    /// <summary>Starts a spare lane and leaves its stdin open (the daemon's warm lane, waiting for a launch).</summary>
    public Process StartSpare()
    {
        var psi = StartInfo("--spare");
        psi.RedirectStandardInput = true;
        _process = Process.Start(psi)!;
        return _process;
    }

    private ProcessStartInfo StartInfo(params string[] mode)
    {
        var psi = new ProcessStartInfo(LaneExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in mode)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.ArgumentList.Add("--home");
        psi.ArgumentList.Add(Home.Path);
        return psi;
    }

    private async Task<JsonObject> ReadHandshakeAsync()
    {
        var line = await ReadLineAsync(_process!.StandardOutput.BaseStream).WaitAsync(Timeout);
        Assert.False(line is null, "the lane closed stdout without a handshake line");
        HandshakeLine = JsonNode.Parse(line!)!.AsObject();
        return HandshakeLine;
    }

    /// <summary>Starts the lane and asserts the handshake succeeded.</summary>
    public async Task StartOkAsync()
    {
        var line = await StartAsync();
        Assert.True(line["ok"]!.GetValue<bool>(), line.ToJsonString());
    }

    /// <summary>
    /// Reads one line byte by byte from the raw pipe: the handshake must be seen as soon as it is written, while the
    /// lane keeps the pipe open.
    /// </summary>
    public static async Task<string?> ReadLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.Add(one[0]);
        }

        return bytes.Count == 0 ? null : Encoding.UTF8.GetString([.. bytes]);
    }

    public Task<LaneClient> ConnectAsync() => LaneClient.ConnectAsync(SocketPath);

    public IReadOnlyList<EventRecord> Events(string? kind = null)
    {
        var all = new List<EventRecord>();
        long after = 0;
        while (true)
        {
            var page = Store.Events.Page(Session, after, 1000, kind);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            after = page[^1].Seq;
        }
    }

    /// <summary>The recorded output: every output event decoded and concatenated.</summary>
    public byte[] OutputBytes()
    {
        using var buffer = new MemoryStream();
        foreach (var e in Events(EventKinds.Output))
        {
            buffer.Write(Decode(e));
        }

        return buffer.ToArray();
    }

    public string OutputText() => Encoding.UTF8.GetString(OutputBytes());

    public static byte[] Decode(EventRecord e)
    {
        using var doc = JsonDocument.Parse(e.PayloadJson);
        return doc.RootElement.TryGetProperty("data", out var data)
            ? Encoding.UTF8.GetBytes(data.GetString()!)
            : doc.RootElement.GetProperty("dataBase64").GetBytesFromBase64();
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task WaitForOutputAsync(string text)
    {
        var seen = await Eventually.TrueAsync(() => OutputText().Contains(text, StringComparison.Ordinal), Timeout, TimeSpan.FromMilliseconds(20));
        Assert.True(seen, $"timed out waiting for '{text}' in the recorded output: '{OutputText()}'");
    }

    /// <summary>Waits for the exit event and returns its payload.</summary>
    public async Task<JsonObject> WaitForExitEventAsync()
    {
        EventRecord? exit = null;
        var seen = await Eventually.TrueAsync(() => (exit = Store.Events.Latest(Session, EventKinds.Exit)) is not null, Timeout, TimeSpan.FromMilliseconds(20));
        Assert.True(seen, "no exit event was recorded");
        return JsonNode.Parse(exit!.PayloadJson)!.AsObject();
    }

    public async Task WaitForLaneExitAsync()
    {
        await _process!.WaitForExitAsync().WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        // Never leave a lane or harness behind, whatever the test did.
        if (HandshakeLine?["harnessPid"] is { } harness)
        {
            KillGroup(harness.GetValue<int>());
        }

        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(Timeout);
        }

        _process?.Dispose();
        Store.Dispose();
        Home.Dispose();
    }

    public static void KillGroup(int pgid)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-KILL", "--", "-" + pgid]) { RedirectStandardError = true, UseShellExecute = false })!;
            kill.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}
