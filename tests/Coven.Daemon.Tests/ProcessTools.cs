using System.Diagnostics;
using Coven.Interop;

namespace Coven.Daemon.Tests;

internal static class ProcessTools
{
    public static int Kill(int pid, int signal) => Libc.Kill(pid, signal);

    /// <summary>Runs a command and returns (exit code, stdout + stderr).</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
