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
        var r = await Worktrees.GitRunner.RunAsync(root, args, cancellationToken, s_timeout);
        return r.Missing || r.TimedOut ? null : (r.Code, r.Output);
    }

    /// <summary>Control characters (escape sequences in file names or commit subjects) become '?'.</summary>
    public static string Clean(string text) =>
        text.Any(c => char.IsControl(c) && c != '\t')
            ? string.Concat(text.Select(c => char.IsControl(c) && c != '\t' ? '?' : c))
            : text;
}
