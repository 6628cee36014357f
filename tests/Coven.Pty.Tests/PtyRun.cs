using System.Text;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Pty.Tests;

/// <summary>A started PTY process plus a dedicated thread collecting all of its output until end of output.</summary>
internal sealed class PtyRun : IDisposable
{
    private readonly MemoryStream _output = new();
    private readonly Lock _lock = new();
    private readonly Thread _reader;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PtyRun(PtyProcess process)
    {
        Process = process;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "test-pty-reader" };
        _reader.Start();
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public PtyProcess Process { get; }

    /// <summary>Completes at end of output (EIO or stop).</summary>
    public Task Ended => _ended.Task;

    public static PtyStartOptions Options(string executable, IReadOnlyList<string> args, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, int cols = 120, int rows = 40) =>
        new(executable, args, cwd ?? "/", env ?? DefaultEnvironment(), cols, rows);

    public static Dictionary<string, string> DefaultEnvironment() => new()
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["TERM"] = "xterm-256color",
        ["LANG"] = "C.UTF-8",
    };

    public static PtyRun Shell(string script, int cols = 120, int rows = 40, string? cwd = null, IReadOnlyDictionary<string, string>? env = null) =>
        Start(Options("/bin/sh", ["-c", script], cwd, env, cols, rows));

    public static PtyRun Start(PtyStartOptions options)
    {
        var result = PtyProcess.Start(options);
        Assert.True(result.Succeeded, result.Error?.Message);
        return new PtyRun(result.Process);
    }

    public byte[] Bytes()
    {
        lock (_lock)
        {
            return _output.ToArray();
        }
    }

    public string Text() => Encoding.UTF8.GetString(Bytes());

    public async Task WaitForTextAsync(string text)
    {
        var seen = await Eventually.TrueAsync(() => Text().Contains(text, StringComparison.Ordinal), Timeout);
        Assert.True(seen, $"Timed out waiting for '{text}'. Output so far: '{Text()}'");
    }

    /// <summary>Waits for exit and end of output, with a bound.</summary>
    public async Task<PtyExitStatus> WaitExitAsync()
    {
        var status = await Process.Exited.WaitAsync(Timeout);
        await Ended.WaitAsync(Timeout);
        return status;
    }

    public void Dispose()
    {
        // Never leave a test's process group behind.
        Process.SignalGroup(Signals.SIGKILL);
        Process.Dispose();
    }

    private void ReadLoop()
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = Process.Read(buffer);
                if (n == 0)
                {
                    break;
                }

                lock (_lock)
                {
                    _output.Write(buffer, 0, n);
                }
            }

            _ended.TrySetResult();
        }
        catch (Exception ex)
        {
            _ended.TrySetException(ex);
        }
    }
}
