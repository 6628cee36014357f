using System.Diagnostics;

namespace Coven.TestSupport;

/// <summary>Real git repositories for tests.</summary>
public static class GitRepo
{
    /// <summary>Creates <paramref name="path"/> and runs <c>git init -q</c> in it (bounded); returns the path.</summary>
    public static async Task<string> InitAsync(string path)
    {
        Directory.CreateDirectory(path);
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = path };
        info.ArgumentList.Add("init");
        info.ArgumentList.Add("-q");
        using var git = Process.Start(info) ?? throw new InvalidOperationException("git did not start");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await git.WaitForExitAsync(cts.Token);
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git init in {path} failed: {await git.StandardError.ReadToEndAsync(cts.Token)}");
        }

        return path;
    }
}
