using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Coven.Core.Api;

namespace Coven.Daemon.Handoff;

/// <summary>
/// Reads branch, HEAD and <c>git status --porcelain</c> of a project root. git runs with an argv (no shell), cwd =
/// the root, a timeout per command, no prompts, no optional locks (never competes with the user's own git) and
/// fsmonitor off: a repository's config must not make the daemon run a program of its choosing.
/// </summary>
internal static class GitState
{
    public const int MaxStatusLines = 200;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    /// <summary>The state, or null when the root is not in a git work tree or git is unavailable.</summary>
    public static async Task<HandoffGitDto?> ReadAsync(string root, CancellationToken cancellationToken)
    {
        var inside = await RunAsync(root, ["rev-parse", "--is-inside-work-tree"], cancellationToken);
        if (inside is not { Code: 0 } || inside.Value.Output.Trim() != "true")
        {
            return null;
        }

        var branch = await RunAsync(root, ["symbolic-ref", "--short", "-q", "HEAD"], cancellationToken);
        var head = await RunAsync(root, ["rev-parse", "-q", "--verify", "HEAD^{commit}"], cancellationToken);
        string? subject = null;
        if (head is { Code: 0 })
        {
            var log = await RunAsync(root, ["log", "-1", "--format=%s", "HEAD"], cancellationToken);
            subject = log is { Code: 0 } ? Clean(log.Value.Output.Trim()) : null;
        }

        var status = await RunAsync(root, ["status", "--porcelain=v1", "--untracked-files=normal"], cancellationToken);
        if (status is not { Code: 0 })
        {
            return null;
        }

        var lines = status.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Clean).ToList();
        return new HandoffGitDto
        {
            Branch = branch is { Code: 0 } ? Clean(branch.Value.Output.Trim()) : null,
            Head = head is { Code: 0 } ? head.Value.Output.Trim() : null,
            HeadSubject = subject,
            Dirty = lines.Count > 0,
            Status = lines.Take(MaxStatusLines).ToList(),
            StatusTruncated = lines.Count > MaxStatusLines,
        };
    }

    private static async Task<(int Code, string Output)?> RunAsync(string root, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])["-c", "core.fsmonitor=false", "-c", "core.quotePath=true", "--no-pager", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        // The daemon's own environment must not redirect git to another repository.
        foreach (var name in (string[])["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "GIT_CONFIG_PARAMETERS"])
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        psi.Environment["LC_ALL"] = "C";

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("git did not start");
        }
        catch (Win32Exception)
        {
            return null;
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
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
                return null;
            }

            return (process.ExitCode, await stdout);
        }
    }

    /// <summary>Control characters (escape sequences in file names or commit subjects) become '?'.</summary>
    public static string Clean(string text) =>
        text.Any(c => char.IsControl(c) && c != '\t')
            ? string.Concat(text.Select(c => char.IsControl(c) && c != '\t' ? '?' : c))
            : text;
}
