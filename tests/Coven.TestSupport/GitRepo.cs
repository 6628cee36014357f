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

    /// <summary>Runs git in <paramref name="dir"/> (argv, bounded); returns stdout, throws with stderr when it fails.</summary>
    public static string Run(string dir, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var git = Process.Start(info) ?? throw new InvalidOperationException("git did not start");
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        if (!git.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            git.Kill();
            throw new InvalidOperationException($"git {string.Join(' ', args)} in {dir} timed out");
        }

        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} in {dir} failed: {error.Result}");
        }

        return output;
    }

    /// <summary>A repository at <paramref name="path"/> on branch main with one commit (README), its own identity set.</summary>
    public static string InitWithCommit(string path)
    {
        Directory.CreateDirectory(path);
        Run(path, "init", "-q", "-b", "main");
        Run(path, "config", "user.email", "t@example.invalid");
        Run(path, "config", "user.name", "Test");
        File.WriteAllText(Path.Combine(path, "README"), "readme\n");
        Run(path, "add", "README");
        Run(path, "commit", "-q", "-m", "init");
        return path;
    }
}
