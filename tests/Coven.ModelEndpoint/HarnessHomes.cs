using System.Text.Json.Nodes;

namespace Coven.ModelEndpoint;

/// <summary>
/// Configuration folders that point the real Codex and Claude Code CLIs at a <see cref="ScriptedModelEndpoint"/>:
/// <c>CODEX_HOME/config.toml</c> (a <c>mock</c> provider on the endpoint's <c>/v1</c>, no approvals, no sandbox)
/// and <c>CLAUDE_CONFIG_DIR</c> (onboarding done, Bash allowed). <see cref="Environment"/> is what the harness
/// process needs (pass it to whatever starts the harness: the daemon, tmux). Claude Code trusts every folder
/// under each of <c>projectsFolders</c>; Codex trusts only exact git roots, so <see cref="Trust"/> each repository before
/// Codex starts in it (or it asks).
/// </summary>
public sealed class HarnessHomes
{
    private readonly Lock _gate = new();

    public HarnessHomes(ScriptedModelEndpoint endpoint, string folder, params string[] projectsFolders)
    {
        CodexHome = Path.Combine(folder, "codex-home");
        ClaudeConfigDir = Path.Combine(folder, "claude-config");
        Directory.CreateDirectory(CodexHome);
        Directory.CreateDirectory(ClaudeConfigDir);
        File.WriteAllText(Path.Combine(CodexHome, "config.toml"), $"""
            model_provider = "mock"
            model = "{AgentScript.Model}"
            approval_policy = "never"
            sandbox_mode = "danger-full-access"

            [model_providers.mock]
            name = "Coven scripted endpoint"
            base_url = "{endpoint.BaseAddress}/v1"
            wire_api = "responses"
            env_key = "SCRIPTED_MODEL_KEY"

            """);
        File.WriteAllText(Path.Combine(ClaudeConfigDir, "settings.json"), """{"permissions": {"allow": ["Bash"]}}""");
        // Claude Code rewrites this file while it runs, so it is written once, before any Claude starts.
        var claudeJson = new JsonObject
        {
            ["hasCompletedOnboarding"] = true,
            ["projects"] = new JsonObject(projectsFolders.Select(f => KeyValuePair.Create(f, (JsonNode?)new JsonObject { ["hasTrustDialogAccepted"] = true }))),
        };
        File.WriteAllText(Path.Combine(ClaudeConfigDir, ".claude.json"), claudeJson.ToJsonString());
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CODEX_HOME"] = CodexHome,
            ["SCRIPTED_MODEL_KEY"] = "scripted",
            ["CLAUDE_CONFIG_DIR"] = ClaudeConfigDir,
            ["ANTHROPIC_BASE_URL"] = endpoint.BaseAddress,
            ["ANTHROPIC_AUTH_TOKEN"] = "scripted",
            ["DISABLE_AUTOUPDATER"] = "1",
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
        };
    }

    public string CodexHome { get; }
    public string ClaudeConfigDir { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Marks the git root <paramref name="folder"/> trusted for Codex.</summary>
    public void Trust(string folder)
    {
        lock (_gate)
        {
            File.AppendAllText(Path.Combine(CodexHome, "config.toml"), $"\n[projects.\"{folder}\"]\ntrust_level = \"trusted\"\n");
        }
    }
}
