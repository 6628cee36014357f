using System.Security.Cryptography;
using System.Text;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;
using Coven.Store;

namespace Coven.Daemon.Worktrees;

/// <summary>A created worktree, or the API error that refused it.</summary>
internal sealed record WorktreeCreated(SessionWorktree? Worktree, string? ProjectRoot, string? WorkingDirectory, ApiResult? Error);

/// <summary>
/// A git worktree per session (docs/worktrees.md): created under COVEN_HOME/worktrees/&lt;project-hash&gt;/&lt;short-id&gt;
/// on branch coven/&lt;short-id&gt;; diff against its base, merge into the branch the user's main work tree is on,
/// listing, removal on sacrifice and pruning. Every git call goes through <see cref="GitRunner"/> (argv, timeouts).
/// </summary>
internal sealed class WorktreeService(CovenStore store, DaemonOptions options, TimeProvider time)
{
    public const string BranchPrefix = "coven/";
    private const string FallbackName = "Coven";
    private const string FallbackEmail = "coven@localhost";

    public string WorktreesRoot => Path.Combine(options.Paths.Home, "worktrees");

    /// <summary>The last 8 hex digits of the id: its random part (a UUIDv7's first 8 are a timestamp shared by ids a minute apart).</summary>
    public static string ShortId(SessionId id) => id.Value[^8..];

    public static string BranchFor(SessionId id) => BranchPrefix + ShortId(id);

    /// <summary>
    /// Creates the worktree for a new session of <paramref name="projectRoot"/> (canonical; inside a git work tree)
    /// and maps the planned root and cwd into it: the root becomes the worktree, cwd the same place inside it.
    /// </summary>
    public async Task<WorktreeCreated> CreateAsync(SessionId id, string projectRoot, string workingDirectory, string? baseRef, CancellationToken ct)
    {
        var top = await GitRunner.RunAsync(projectRoot, ["rev-parse", "--show-toplevel"], ct);
        if (Failed(top, out var gitError))
        {
            return new(null, null, null, gitError);
        }

        if (!top.Ok)
        {
            return new(null, null, null, ApiResult.Error(400, ErrorCodes.NotAGitRepository, $"{projectRoot} is not inside a git work tree; --worktree needs a git repository.", new() { ["projectRoot"] = projectRoot }));
        }

        var repository = Path.GetFullPath(top.Output.Trim());
        var baseName = string.IsNullOrWhiteSpace(baseRef) ? "HEAD" : baseRef.Trim();
        if (baseName.StartsWith('-') || baseName.Contains('\0', StringComparison.Ordinal))
        {
            return new(null, null, null, ApiErrors.InvalidRequest($"base '{ApiErrors.Printable(baseName)}' is not a git revision."));
        }

        var commit = await GitRunner.RunAsync(repository, ["rev-parse", "-q", "--verify", "--end-of-options", baseName + "^{commit}"], ct);
        if (Failed(commit, out gitError))
        {
            return new(null, null, null, gitError);
        }

        if (!commit.Ok)
        {
            var why = baseName == "HEAD" ? $"{repository} has no commits yet; commit once before using --worktree." : $"base '{ApiErrors.Printable(baseName)}' is not a commit in {repository}.";
            return new(null, null, null, ApiResult.Error(400, ErrorCodes.GitFailed, why, new() { ["repository"] = repository, ["base"] = baseName }));
        }

        var baseCommit = commit.Output.Trim();
        var branch = BranchFor(id);
        var exists = await GitRunner.RunAsync(repository, ["rev-parse", "-q", "--verify", "refs/heads/" + branch], ct);
        if (exists.Ok)
        {
            return new(null, null, null, ApiResult.Error(409, ErrorCodes.BranchExists, $"branch {branch} already exists in {repository}.", new() { ["branch"] = branch, ["repository"] = repository }));
        }

        var projectDir = Path.Combine(WorktreesRoot, ProjectHash(repository));
        CovenPaths.EnsurePrivateDirectory(WorktreesRoot);
        CovenPaths.EnsurePrivateDirectory(projectDir);
        var path = Path.Combine(projectDir, ShortId(id));
        var add = await GitRunner.RunAsync(repository, ["worktree", "add", "--quiet", "-b", branch, "--", path, baseCommit], ct, TimeSpan.FromMinutes(2));
        if (Failed(add, out gitError))
        {
            return new(null, null, null, gitError);
        }

        if (!add.Ok)
        {
            return new(null, null, null, GitFailed("git worktree add", add, repository));
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        store.Worktrees.Add(id.Value, path, branch, baseCommit, repository);
        var worktree = store.Worktrees.Get(id.Value)!;
        var root = Path.Combine(path, Path.GetRelativePath(repository, projectRoot));
        var cwd = Path.Combine(path, Path.GetRelativePath(repository, workingDirectory));
        return new(worktree, Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(cwd)), null);
    }

    public static WorktreeDto ToDto(SessionWorktree w) => new()
    {
        Path = w.Path,
        Branch = w.Branch,
        BaseCommit = w.BaseCommit,
        Repository = w.Repository,
        CreatedAt = w.CreatedAt,
    };

    public SessionDto WithWorktree(SessionDto dto) =>
        store.Worktrees.Get(dto.Id) is { } w ? dto with { Worktree = ToDto(w) } : dto;

    /// <summary>GET /api/v1/sessions/{id}/diff: committed and uncommitted changes (new files too) against the base.</summary>
    public async Task<ApiResult> DiffAsync(string? rawId, bool statOnly, CancellationToken ct)
    {
        if (Find(rawId, out var worktree) is { } missing)
        {
            return missing;
        }

        var diff = await ReadDiffAsync(worktree!, statOnly, ct);
        if (diff.Error is { } error)
        {
            return error;
        }

        return ApiResult.Ok(
            new WorktreeDiffResponse { SessionId = worktree!.SessionId, Worktree = ToDto(worktree), Stat = diff.Stat!, Files = diff.Files!, Patch = statOnly ? null : diff.Patch },
            CovenJsonContext.Default.WorktreeDiffResponse);
    }

    /// <summary>The diff stat line set of a session's worktree, or null (for handoff).</summary>
    public async Task<string?> DiffStatAsync(string sessionId, CancellationToken ct)
    {
        if (store.Worktrees.Get(sessionId) is not { } w || !Directory.Exists(w.Path))
        {
            return null;
        }

        var diff = await ReadDiffAsync(w, true, ct);
        return diff.Stat;
    }

    /// <summary>
    /// The change as git sees it against the base, through a private index (COVEN_HOME/tmp) filled with
    /// <c>add -A</c>: untracked files count, and the session's own index is left alone.
    /// </summary>
    private async Task<(string? Stat, IReadOnlyList<string>? Files, string? Patch, ApiResult? Error)> ReadDiffAsync(SessionWorktree w, bool statOnly, CancellationToken ct)
    {
        if (!Directory.Exists(w.Path))
        {
            return (null, null, null, ApiResult.Error(409, ErrorCodes.NoWorktree, $"the worktree {w.Path} no longer exists.", new() { ["sessionId"] = w.SessionId, ["path"] = w.Path }));
        }

        var tmp = Path.Combine(options.Paths.Home, "tmp");
        CovenPaths.EnsurePrivateDirectory(tmp);
        var index = Path.Combine(tmp, "index-" + Guid.NewGuid().ToString("N"));
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_INDEX_FILE"] = index };
        try
        {
            foreach (var step in (string[][])[["read-tree", "HEAD"], ["add", "-A", "--", "."]])
            {
                var r = await GitRunner.RunAsync(w.Path, step, ct, environment: env);
                if (!r.Ok)
                {
                    return (null, null, null, GitError(r, "git " + step[0], w.Path));
                }
            }

            var stat = await GitRunner.RunAsync(w.Path, ["diff", "--cached", "--stat", w.BaseCommit], ct, environment: env);
            var names = await GitRunner.RunAsync(w.Path, ["diff", "--cached", "--name-only", "-z", w.BaseCommit], ct, environment: env);
            var patch = statOnly ? default : await GitRunner.RunAsync(w.Path, ["diff", "--cached", "--no-color", "--no-ext-diff", w.BaseCommit], ct, TimeSpan.FromMinutes(1), env);
            foreach (var r in (GitResult[])[stat, names, .. statOnly ? Array.Empty<GitResult>() : [patch]])
            {
                if (!r.Ok)
                {
                    return (null, null, null, GitError(r, "git diff", w.Path));
                }
            }

            var files = names.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
            return (stat.Output, files, statOnly ? null : patch.Output, null);
        }
        finally
        {
            File.Delete(index);
        }
    }

    /// <summary>
    /// POST /api/v1/sessions/{id}/merge: commits the session's pending changes on its branch, then merges the branch
    /// into the branch the repository's main work tree is on. Refuses (409) when the user's tree has uncommitted
    /// changes in paths the session touched, and on conflicts, which are aborted so the user's tree is as it was.
    /// </summary>
    public async Task<ApiResult> MergeAsync(string? rawId, MergeRequest request, CancellationToken ct)
    {
        if (Find(rawId, out var w) is { } missing)
        {
            return missing;
        }

        var worktree = w!;
        var squash = request.Squash == true;
        var into = await GitRunner.RunAsync(worktree.Repository, ["symbolic-ref", "--short", "-q", "HEAD"], ct);
        if (Failed(into, out var gitError))
        {
            return gitError!;
        }

        if (!into.Ok)
        {
            return ApiResult.Error(409, ErrorCodes.DetachedHead, $"{worktree.Repository} is on a detached HEAD; check out the branch to merge into first.", new() { ["repository"] = worktree.Repository });
        }

        var target = into.Output.Trim();
        string? pending = null;
        if (Directory.Exists(worktree.Path))
        {
            var committed = await CommitPendingAsync(worktree, ct);
            if (committed.Error is { } e)
            {
                return e;
            }

            pending = committed.Commit;
        }

        var touched = await GitRunner.RunAsync(worktree.Repository, ["diff", "--name-only", "-z", worktree.BaseCommit, "refs/heads/" + worktree.Branch], ct);
        if (!touched.Ok)
        {
            return GitError(touched, "git diff", worktree.Repository);
        }

        var files = touched.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        var dirty = await DirtyPathsAsync(worktree.Repository, ct);
        if (dirty.Error is { } statusError)
        {
            return statusError;
        }

        var overlap = files.Intersect(dirty.Paths!, StringComparer.Ordinal).ToArray();
        if (overlap.Length > 0)
        {
            return ApiResult.Error(409, ErrorCodes.DirtyWorktree, $"{worktree.Repository} has uncommitted changes in paths the session changed; commit or stash them first.", new() { ["paths"] = overlap, ["repository"] = worktree.Repository });
        }

        var message = $"coven: merge session {worktree.SessionId} ({worktree.Branch})";
        var identity = await IdentityAsync(worktree.Repository, ct);
        GitResult merge = squash
            ? await GitRunner.RunAsync(worktree.Repository, [.. identity, "merge", "--squash", "--no-verify", "refs/heads/" + worktree.Branch], ct, TimeSpan.FromMinutes(2))
            : await GitRunner.RunAsync(worktree.Repository, [.. identity, "merge", "--no-ff", "--no-edit", "--no-verify", "-m", message, "refs/heads/" + worktree.Branch], ct, TimeSpan.FromMinutes(2));
        if (merge.Missing || merge.TimedOut || !merge.Ok)
        {
            var conflicts = await GitRunner.RunAsync(worktree.Repository, ["diff", "--name-only", "-z", "--diff-filter=U"], ct);
            var paths = conflicts.Ok ? conflicts.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray() : [];

            // Leave the user's tree as it was: undo the merge (also a squash's, which has no MERGE_HEAD).
            await GitRunner.RunAsync(worktree.Repository, ["reset", "--merge"], ct);
            if (paths.Length > 0)
            {
                return ApiResult.Error(409, ErrorCodes.MergeConflict, $"merging {worktree.Branch} into {target} conflicts in {paths.Length} path(s); nothing was merged.", new() { ["conflicts"] = paths, ["branch"] = worktree.Branch, ["into"] = target });
            }

            return GitError(merge, "git merge", worktree.Repository);
        }

        if (squash)
        {
            var staged = await GitRunner.RunAsync(worktree.Repository, ["diff", "--cached", "--quiet"], ct);
            if (staged.Code == 1)
            {
                var commit = await GitRunner.RunAsync(worktree.Repository, [.. identity, "commit", "--no-verify", "-q", "-m", $"coven: session {worktree.SessionId} ({worktree.Branch}, squashed)"], ct);
                if (!commit.Ok)
                {
                    await GitRunner.RunAsync(worktree.Repository, ["reset", "--merge"], ct);
                    return GitError(commit, "git commit", worktree.Repository);
                }
            }
        }

        var head = await GitRunner.RunAsync(worktree.Repository, ["rev-parse", "HEAD"], ct);
        return ApiResult.Ok(
            new MergeResponse { SessionId = worktree.SessionId, Branch = worktree.Branch, Into = target, Commit = head.Output.Trim(), Squash = squash, CommittedPending = pending, Files = files },
            CovenJsonContext.Default.MergeResponse);
    }

    /// <summary>GET /api/v1/worktrees: every recorded worktree with its session's status and its branch's state.</summary>
    public async Task<ApiResult> ListAsync(CancellationToken ct)
    {
        var entries = new List<WorktreeEntryDto>();
        foreach (var w in store.Worktrees.List())
        {
            entries.Add(await EntryAsync(w, ct));
        }

        return ApiResult.Ok(new WorktreeListResponse(entries, Unrecorded()), CovenJsonContext.Default.WorktreeListResponse);
    }

    private async Task<WorktreeEntryDto> EntryAsync(SessionWorktree w, CancellationToken ct)
    {
        var status = SessionId.TryParse(w.SessionId, out var id) && store.Sessions.Get(id) is { } s ? WireNames.Of(s.Status) : "gone";
        var exists = Directory.Exists(w.Path);
        int? ahead = null, behind = null;
        bool? merged = null, dirty = null;
        var counts = await GitRunner.RunAsync(w.Repository, ["rev-list", "--left-right", "--count", "refs/heads/" + w.Branch + "...HEAD"], ct);
        if (counts.Ok && counts.Output.Split('\t', StringSplitOptions.TrimEntries) is [var a, var b] && int.TryParse(a, out var ai) && int.TryParse(b, out var bi))
        {
            ahead = ai;
            behind = bi;
            merged = ai == 0;
        }

        if (exists)
        {
            var st = await GitRunner.RunAsync(w.Path, ["status", "--porcelain=v1"], ct);
            dirty = st.Ok ? st.Output.Length > 0 : null;
        }

        return new WorktreeEntryDto { SessionId = w.SessionId, Status = status, Worktree = ToDto(w), Exists = exists, Ahead = ahead, Behind = behind, Dirty = dirty, Merged = merged };
    }

    /// <summary>
    /// After a sacrifice: removes the worktree directory (unless a resumed session still uses it) and deletes the
    /// branch when it is merged into the user's current branch, or always with <paramref name="deleteBranch"/>.
    /// </summary>
    public async Task<(bool Removed, bool BranchDeleted)> RemoveAsync(SessionWorktree w, bool deleteBranch, bool force, CancellationToken ct)
    {
        store.Worktrees.Remove(w.SessionId);
        if (store.Worktrees.CountByPath(w.Path) > 0)
        {
            return (false, false);
        }

        var removed = false;
        if (Directory.Exists(w.Path))
        {
            var r = await GitRunner.RunAsync(w.Repository, force ? ["worktree", "remove", "--force", "--force", "--", w.Path] : ["worktree", "remove", "--", w.Path], ct, TimeSpan.FromMinutes(1));
            removed = r.Ok;
            if (!removed)
            {
                store.Worktrees.Add(w.SessionId, w.Path, w.Branch, w.BaseCommit, w.Repository);
                return (false, false);
            }
        }
        else
        {
            await GitRunner.RunAsync(w.Repository, ["worktree", "prune"], ct);
            removed = true;
        }

        var merged = await GitRunner.RunAsync(w.Repository, ["merge-base", "--is-ancestor", "refs/heads/" + w.Branch, "HEAD"], ct);
        var branchDeleted = false;
        if (merged.Ok || deleteBranch)
        {
            branchDeleted = (await GitRunner.RunAsync(w.Repository, ["branch", "-D", "--", w.Branch], ct)).Ok;
        }

        return (removed, branchDeleted);
    }

    /// <summary>
    /// POST /api/v1/worktrees/prune: removes orphaned worktrees (the session is gone, or no session row names the
    /// directory) and, with olderThan, those of sessions ended longer ago; a dirty worktree or an unmerged branch is
    /// kept unless <c>force</c>.
    /// </summary>
    public async Task<ApiResult> PruneAsync(WorktreePruneRequest request, CancellationToken ct)
    {
        TimeSpan? olderThan = null;
        if (request.OlderThan is { } text)
        {
            if (!Durations.TryParse(text, out var d))
            {
                return ApiErrors.InvalidRequest($"olderThan '{ApiErrors.Printable(text)}' is not a duration (e.g. 30m, 12h, 7d).");
            }

            olderThan = d;
        }

        var now = time.GetUtcNow();
        var result = await PruneWhereAsync(
            (_, session) => olderThan is { } age && session.Status is not (SessionStatus.Pending or SessionStatus.Live) && now - session.UpdatedAt >= age,
            orphans: true,
            request.Force == true,
            request.DryRun == true,
            ct);
        return ApiResult.Ok(result, CovenJsonContext.Default.WorktreePruneResponse);
    }

    /// <summary>
    /// Removes the worktrees of the sessions <paramref name="pick"/> selects (never a pending or live one) and, with
    /// <paramref name="orphans"/>, every orphan; the prune ritual and the prune route share it.
    /// </summary>
    public async Task<WorktreePruneResponse> PruneWhereAsync(Func<SessionWorktree, SessionRecord, bool> pick, bool orphans, bool force, bool dryRun, CancellationToken ct)
    {
        List<string> removed = [], paths = [], branches = [], kept = [];
        foreach (var w in store.Worktrees.List())
        {
            var session = SessionId.TryParse(w.SessionId, out var id) ? store.Sessions.Get(id) : null;
            var candidate = session is null ? orphans : session.Status is not (SessionStatus.Pending or SessionStatus.Live) && pick(w, session);
            if (!candidate)
            {
                continue;
            }

            var entry = await EntryAsync(w, ct);
            if (!force && entry.Dirty == true)
            {
                kept.Add($"{w.SessionId}: {w.Path} has uncommitted changes");
                continue;
            }

            var (gone, branchDeleted) = dryRun ? (true, force || entry.Merged == true) : await RemoveAsync(w, deleteBranch: force, force, ct);
            if (gone)
            {
                removed.Add(w.SessionId);
                paths.Add(w.Path);
            }

            if (branchDeleted)
            {
                branches.Add(w.Branch);
            }
            else if (gone && entry.Merged != true)
            {
                kept.Add($"{w.SessionId}: branch {w.Branch} is not merged (kept)");
            }
        }

        foreach (var path in orphans ? Unrecorded() : [])
        {
            var outcome = await RemoveUnrecordedAsync(path, force, dryRun, ct);
            if (outcome is null)
            {
                paths.Add(path);
            }
            else
            {
                kept.Add(outcome);
            }
        }

        return new WorktreePruneResponse { Removed = removed, BranchesDeleted = branches, Kept = kept, RemovedPaths = paths, DryRun = dryRun };
    }

    /// <summary>Directories COVEN_HOME/worktrees/&lt;project&gt;/&lt;name&gt; that no session row names.</summary>
    public IReadOnlyList<string> Unrecorded()
    {
        if (!Directory.Exists(WorktreesRoot))
        {
            return [];
        }

        var recorded = store.Worktrees.List().Select(w => w.Path).ToHashSet(StringComparer.Ordinal);
        return [.. Directory.EnumerateDirectories(WorktreesRoot)
            .SelectMany(Directory.EnumerateDirectories)
            .Where(d => !recorded.Contains(d))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// An unrecorded worktree goes through its repository (<c>git worktree remove</c>; its branch stays); a dirty one,
    /// or one whose repository is gone (its files may be the only copy), only with force. Null: removed; else why kept.
    /// </summary>
    private static async Task<string?> RemoveUnrecordedAsync(string path, bool force, bool dryRun, CancellationToken ct)
    {
        var common = await GitRunner.RunAsync(path, ["rev-parse", "--path-format=absolute", "--git-common-dir"], ct);
        if (!common.Ok)
        {
            if (!force)
            {
                return $"{path}: not a worktree of a reachable repository (kept; force deletes it)";
            }

            if (!dryRun)
            {
                Directory.Delete(path, recursive: true);
            }

            return null;
        }

        var status = await GitRunner.RunAsync(path, ["status", "--porcelain=v1"], ct);
        if (!force && (!status.Ok || status.Output.Length > 0))
        {
            return $"{path} has uncommitted changes";
        }

        if (dryRun)
        {
            return null;
        }

        var repository = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(common.Output.Trim()))!;
        var remove = await GitRunner.RunAsync(repository, force ? ["worktree", "remove", "--force", "--force", "--", path] : ["worktree", "remove", "--", path], ct, TimeSpan.FromMinutes(1));
        return remove.Ok ? null : $"{path}: git worktree remove failed: {remove.ErrorLine}";
    }

    private ApiResult? Find(string? rawId, out SessionWorktree? worktree)
    {
        worktree = null;
        if (!SessionId.TryParse(rawId, out var id))
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        worktree = store.Worktrees.Get(id.Value);
        if (worktree is not null)
        {
            return null;
        }

        return store.Sessions.Get(id) is null
            ? ApiErrors.SessionNotFound(rawId)
            : ApiResult.Error(409, ErrorCodes.NoWorktree, "the session was not launched with a worktree (coven run --worktree).", new() { ["sessionId"] = id.Value });
    }

    private static async Task<(string? Commit, ApiResult? Error)> CommitPendingAsync(SessionWorktree w, CancellationToken ct)
    {
        var status = await GitRunner.RunAsync(w.Path, ["status", "--porcelain=v1"], ct);
        if (!status.Ok)
        {
            return (null, GitError(status, "git status", w.Path));
        }

        if (status.Output.Length == 0)
        {
            return (null, null);
        }

        var identity = await IdentityAsync(w.Path, ct);
        var add = await GitRunner.RunAsync(w.Path, ["add", "-A", "--", "."], ct);
        var commit = add.Ok ? await GitRunner.RunAsync(w.Path, [.. identity, "commit", "--no-verify", "-q", "-m", $"coven: pending changes of session {w.SessionId}"], ct) : add;
        if (!commit.Ok)
        {
            return (null, GitError(commit, "git commit", w.Path));
        }

        var head = await GitRunner.RunAsync(w.Path, ["rev-parse", "HEAD"], ct);
        return (head.Output.Trim(), null);
    }

    /// <summary>Uncommitted paths of a work tree (both sides of a rename).</summary>
    private static async Task<(IReadOnlyList<string>? Paths, ApiResult? Error)> DirtyPathsAsync(string root, CancellationToken ct)
    {
        var status = await GitRunner.RunAsync(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all"], ct);
        if (!status.Ok)
        {
            return (null, GitError(status, "git status", root));
        }

        var paths = new List<string>();
        var parts = status.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length < 4)
            {
                continue;
            }

            paths.Add(parts[i][3..]);
            if (parts[i][0] is 'R' or 'C' && i + 1 < parts.Length)
            {
                paths.Add(parts[++i]);
            }
        }

        return (paths, null);
    }

    /// <summary>The user's own identity when configured; otherwise Coven's, so a commit never fails for the lack of one.</summary>
    private static async Task<string[]> IdentityAsync(string root, CancellationToken ct)
    {
        var email = await GitRunner.RunAsync(root, ["config", "user.email"], ct);
        var name = await GitRunner.RunAsync(root, ["config", "user.name"], ct);
        return [.. name.Ok ? [] : (string[])["-c", "user.name=" + FallbackName], .. email.Ok ? [] : (string[])["-c", "user.email=" + FallbackEmail]];
    }

    private static string ProjectHash(string repository) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repository)))[..12];

    /// <summary>True (with the error) when git is missing or timed out.</summary>
    private static bool Failed(GitResult r, out ApiResult? error)
    {
        error = r.Missing
            ? ApiResult.Error(500, ErrorCodes.GitMissing, "git is not installed (or not on covend's PATH); worktrees need git.")
            : r.TimedOut ? ApiResult.Error(500, ErrorCodes.GitFailed, r.ErrorLine) : null;
        return error is not null;
    }

    private static ApiResult GitError(GitResult r, string what, string where) =>
        Failed(r, out var error) ? error! : GitFailed(what, r, where);

    private static ApiResult GitFailed(string what, GitResult r, string where) =>
        ApiResult.Error(500, ErrorCodes.GitFailed, $"{what} failed in {where}: {r.ErrorLine}", new() { ["exitCode"] = r.Code });
}
