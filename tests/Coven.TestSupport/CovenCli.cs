using System.Diagnostics;
using System.Text;

namespace Coven.TestSupport;

/// <summary>
/// Runs the real <c>coven</c> executable as a child process with COVEN_HOME set and a PATH that puts fake
/// harnesses first (the daemon it starts inherits that environment).
/// </summary>
public sealed class CovenCli
{
    private static readonly string[] s_scrubbed = ["COVEN_HOME", "COVEN_NO_AUTOSTART", "COVEN_DAEMON_PATH", "NO_COLOR", "TMUX", "TMUX_PANE", "COVEN_HOST", "COVEN_SSH", "COVEN_SSH_CONFIG", "COVEN_REMOTE_COVEN", "COVEN_REMOTE_HOME"];

    public CovenCli(string home, string? pathPrefix = null)
    {
        Home = home;
        PathPrefix = pathPrefix;
    }

    public string Home { get; }
    public string? PathPrefix { get; }

    /// <summary>Extra environment for every run (e.g. COVEN_DAEMON_PATH).</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public static string Executable => CovenBinaries.Find("coven");

    /// <summary>Another coven than the built one (an installed one, say); null: <see cref="Executable"/>.</summary>
    public string? ExecutablePath { get; init; }

    public string PathVariable => PathPrefix is null
        ? System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin"
        : PathPrefix + ":" + System.Environment.GetEnvironmentVariable("PATH");

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    public async Task<CliResult> RunAsync(IEnumerable<string> args, string? stdin, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var process = Start(args, workingDirectory);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"coven {string.Join(' ', args)} did not finish in time; stderr so far: {(stderr.IsCompleted ? await stderr : "?")}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts coven with redirected streams and returns the running process (for -f and attach).</summary>
    public Process Start(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(ExecutablePath ?? Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? (Directory.Exists(Home) ? Home : "/tmp"),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var name in s_scrubbed)
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["COVEN_HOME"] = Home;
        psi.Environment["PATH"] = PathVariable;
        foreach (var (k, v) in Environment)
        {
            psi.Environment[k] = v;
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("coven did not start");
    }

    /// <summary>The environment a child of this runner sees, as NAME=value pairs (for tmux -e).</summary>
    public IEnumerable<string> EnvironmentPairs()
    {
        yield return "COVEN_HOME=" + Home;
        yield return "PATH=" + PathVariable;
        foreach (var (k, v) in Environment)
        {
            if (v is not null)
            {
                yield return $"{k}={v}";
            }
        }
    }
}
