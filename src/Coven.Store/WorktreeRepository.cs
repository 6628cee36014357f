using Dapper;

namespace Coven.Store;

/// <summary>A session's git worktree as recorded at launch.</summary>
public sealed record SessionWorktree(string SessionId, string Path, string Branch, string BaseCommit, string Repository, string CreatedAt);

/// <summary>Session worktrees (table session_worktrees). Rows may outlive their session: those are orphans.</summary>
public sealed class WorktreeRepository
{
    private const string Columns = "session_id AS SessionId, path AS Path, branch AS Branch, base_commit AS BaseCommit, repository AS Repository, created_at AS CreatedAt";

    private readonly CovenStore _store;

    internal WorktreeRepository(CovenStore store) => _store = store;

    public void Add(string sessionId, string path, string branch, string baseCommit, string repository)
    {
        using var connection = _store.Open();
        connection.Execute(
            "INSERT INTO session_worktrees (session_id, path, branch, base_commit, repository, created_at) VALUES (@sessionId, @path, @branch, @baseCommit, @repository, @now);",
            new { sessionId, path, branch, baseCommit, repository, now = _store.Now() });
    }

    public SessionWorktree? Get(string sessionId)
    {
        using var connection = _store.Open();
        return connection.QuerySingleOrDefault<SessionWorktree>($"SELECT {Columns} FROM session_worktrees WHERE session_id = @sessionId;", new { sessionId });
    }

    public IReadOnlyList<SessionWorktree> List()
    {
        using var connection = _store.Open();
        return connection.Query<SessionWorktree>($"SELECT {Columns} FROM session_worktrees ORDER BY created_at, session_id;").AsList();
    }

    /// <summary>How many rows name this worktree directory (a resumed session shares its predecessor's).</summary>
    public int CountByPath(string path)
    {
        using var connection = _store.Open();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM session_worktrees WHERE path = @path;", new { path });
    }

    public bool Remove(string sessionId)
    {
        using var connection = _store.Open();
        return connection.Execute("DELETE FROM session_worktrees WHERE session_id = @sessionId;", new { sessionId }) > 0;
    }
}
