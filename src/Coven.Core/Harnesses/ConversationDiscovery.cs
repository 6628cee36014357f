namespace Coven.Core;

/// <summary>How Coven finds the id of the conversation a running harness holds when it cannot assign one.</summary>
public enum ConversationDiscovery
{
    /// <summary>Not found afterwards: known only when assigned at launch (or never).</summary>
    None,

    /// <summary>
    /// Codex: the thread id in the name of the rollout file the harness's processes hold open
    /// (<c>$CODEX_HOME/sessions/YYYY/MM/DD/rollout-&lt;time&gt;-&lt;id&gt;.jsonl</c>), read from /proc while it runs.
    /// </summary>
    CodexRollout,
}
