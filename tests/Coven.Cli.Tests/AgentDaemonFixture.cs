using Coven.ModelEndpoint;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// A real covend whose harnesses are the real Codex and Claude Code CLIs (from <c>.tools</c>), configured against a
/// <see cref="ScriptedModelEndpoint"/> on 127.0.0.1: agent turns complete offline. HOME is an empty temp folder;
/// CODEX_HOME and CLAUDE_CONFIG_DIR are the endpoint's <see cref="HarnessHomes"/>.
/// </summary>
public sealed class AgentDaemonFixture : RealHarnessDaemon
{
    public AgentDaemonFixture()
        : base(_ => ToolsBin)
    {
    }

    public ScriptedModelEndpoint Endpoint { get; private set; } = null!;
    public HarnessHomes Homes { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Endpoint = await ScriptedModelEndpoint.StartAsync();
        // Claude Code asks about every new folder, worktrees included; trusting COVEN_HOME/worktrees once covers every
        // session worktree, as docs/real-harnesses.md tells users to do. Codex needs nothing: it trusts a worktree
        // of a trusted repository (only the main repositories are trusted here).
        Homes = new HarnessHomes(Endpoint, Folder, ProjectDir, Path.Combine(HomeDir, "worktrees"));
        foreach (var (k, v) in Homes.Environment)
        {
            Cli.Environment[k] = v;
        }

        await base.InitializeAsync();
    }

    /// <summary>A fresh git repository under the project folder, trusted by both CLIs.</summary>
    public async Task<string> NewGitRepoAsync()
    {
        var repo = await GitRepo.InitAsync(Path.Combine(ProjectDir, "repo-" + Guid.NewGuid().ToString("N")[..8]));
        Homes.Trust(repo);
        return repo;
    }

    /// <summary>A repository with one commit (a worktree needs a base), trusted as <see cref="NewGitRepoAsync"/> is.</summary>
    public async Task<string> NewCommittedRepoAsync()
    {
        var repo = await NewGitRepoAsync();
        GitRepo.Run(repo, "config", "user.email", "t@example.invalid");
        GitRepo.Run(repo, "config", "user.name", "Test");
        await File.WriteAllTextAsync(Path.Combine(repo, "README"), "readme\n");
        GitRepo.Run(repo, "add", "README");
        GitRepo.Run(repo, "commit", "-q", "-m", "init");
        return repo;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Endpoint is not null)
        {
            await Endpoint.DisposeAsync();
        }
    }
}
