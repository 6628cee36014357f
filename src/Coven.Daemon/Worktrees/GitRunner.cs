using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Coven.Daemon.Worktrees;

/// <summary>The outcome of one git command: exit code and both streams (Missing: git is not installed).</summary>
internal readonly record struct GitResult(int Code, string Output, string Error, bool Missing = false, bool TimedOut = false)
{
    public bool Ok => Code == 0 && !Missing && !TimedOut;

    /// <summary>The first line git wrote to stderr, cleaned of control characters.</summary>
    public string ErrorLine => Handoff.GitState.Clean(Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"git exited with {Code}");
}

/// <summary>
/// Runs git with an argv (no shell), cwd = the given directory, a timeout per command, no prompts, no optional
/// locks (never competes with the user's own git), fsmonitor off and hooks never run by what the daemon does on the
/// user's behalf: a repository's config must not make the daemon run a program of its choosing. The daemon's own
/// GIT_* environment never redirects git to another repository.
/// </summary>
internal static class GitRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] s_scrubbed = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "GIT_CONFIG_PARAMETERS", "GIT_COMMON_DIR", "GIT_NAMESPACE"];

    public static async Task<GitResult> RunAsync(
        string directory,
        IEnumerable<string> args,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])["-c", "core.fsmonitor=false", "-c", "core.quotePath=true", "-c", "core.hooksPath=/dev/null", "--no-pager", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var name in s_scrubbed)
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        psi.Environment["GIT_EDITOR"] = "true";
        psi.Environment["LC_ALL"] = "C";
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("git did not start");
        }
        catch (Win32Exception e)
        {
            return new GitResult(-1, string.Empty, e.Message, Missing: true);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout ?? DefaultTimeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
                await Task.WhenAll(stdout, stderr);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                cancellationToken.ThrowIfCancellationRequested();
                return new GitResult(-1, string.Empty, $"git {string.Join(' ', args.Take(2))} timed out", TimedOut: true);
            }

            return new GitResult(process.ExitCode, await stdout, await stderr);
        }
    }
}
