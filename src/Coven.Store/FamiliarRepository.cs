using System.Text.Json;
using Coven.Core;
using Dapper;

namespace Coven.Store;

/// <summary>User-defined familiars and each project's active familiar.</summary>
public sealed class FamiliarRepository
{
    private readonly CovenStore _store;

    internal FamiliarRepository(CovenStore store) => _store = store;

    public IReadOnlyList<Familiar> List()
    {
        using var connection = _store.Open();
        return connection.Query<FamiliarRow>("SELECT name, harness, model, args_json, worktree FROM familiars ORDER BY name;").Select(r => r.ToFamiliar()).ToList();
    }

    public Familiar? Get(string name)
    {
        using var connection = _store.Open();
        return connection.QuerySingleOrDefault<FamiliarRow>("SELECT name, harness, model, args_json, worktree FROM familiars WHERE name = @name;", new { name })?.ToFamiliar();
    }

    /// <summary>Adds or replaces a familiar.</summary>
    public Familiar Upsert(Familiar familiar)
    {
        using var connection = _store.Open();
        connection.Execute(
            """
            INSERT INTO familiars (name, harness, model, args_json, created_at, worktree) VALUES (@Name, @Harness, @Model, @Args, @Now, @Worktree)
            ON CONFLICT(name) DO UPDATE SET harness = excluded.harness, model = excluded.model, args_json = excluded.args_json, worktree = excluded.worktree;
            """,
            new
            {
                familiar.Name,
                familiar.Harness,
                familiar.Model,
                Args = JsonSerializer.Serialize(familiar.Args.ToArray(), CovenJsonContext.Default.StringArray),
                Now = _store.Now(),
                Worktree = familiar.Worktree ? 1L : 0L,
            });
        return Get(familiar.Name)!;
    }

    /// <summary>Deletes a familiar and, in the same transaction, unsets it as any project's active familiar.</summary>
    public bool Remove(string name)
    {
        using var connection = _store.Open();
        using var tx = connection.BeginTransaction();
        var removed = connection.Execute("DELETE FROM familiars WHERE name = @name;", new { name }, tx) > 0;
        if (removed)
        {
            connection.Execute(
                "UPDATE project_settings SET active_familiar = NULL, updated_at = @now WHERE active_familiar = @name;",
                new { name, now = _store.Now() },
                tx);
        }

        tx.Commit();
        return removed;
    }

    public string? GetActive(string projectRoot)
    {
        using var connection = _store.Open();
        return connection.QuerySingleOrDefault<string?>("SELECT active_familiar FROM project_settings WHERE project_root = @projectRoot;", new { projectRoot });
    }

    public void SetActive(string projectRoot, string familiar)
    {
        using var connection = _store.Open();
        connection.Execute(
            """
            INSERT INTO project_settings (project_root, active_familiar, updated_at) VALUES (@projectRoot, @familiar, @now)
            ON CONFLICT(project_root) DO UPDATE SET active_familiar = excluded.active_familiar, updated_at = excluded.updated_at;
            """,
            new { projectRoot, familiar, now = _store.Now() });
    }

    internal sealed class FamiliarRow
    {
        public string Name { get; set; } = string.Empty;
        public string Harness { get; set; } = string.Empty;
        public string? Model { get; set; }
        public string ArgsJson { get; set; } = "[]";
        public long Worktree { get; set; }

        public Familiar ToFamiliar() => new()
        {
            Name = Name,
            Harness = Harness,
            Model = Model,
            Args = JsonSerializer.Deserialize(ArgsJson, CovenJsonContext.Default.StringArray) ?? [],
            Worktree = Worktree != 0,
        };
    }
}
