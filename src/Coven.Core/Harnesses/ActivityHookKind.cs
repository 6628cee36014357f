namespace Coven.Core;

/// <summary>Which native activity signal Coven injects into a harness's command line (docs/attention.md).</summary>
public enum ActivityHookKind
{
    /// <summary>None: the harness reports nothing itself (or calls <c>$COVEN_ACTIVITY_HOOK</c> on its own).</summary>
    None,

    /// <summary>Claude Code: <c>--settings</c> with <c>UserPromptSubmit</c>, <c>PostToolUse</c>, <c>Notification</c> and <c>Stop</c> hooks.</summary>
    ClaudeHooks,

    /// <summary>Codex: <c>-c notify=[...]</c>, run at the end of each turn.</summary>
    CodexNotify,
}
