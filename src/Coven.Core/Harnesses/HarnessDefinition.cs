namespace Coven.Core;

/// <summary>
/// A harness Coven may launch. Argument templates use <c>{prompt}</c> and <c>{model}</c> placeholders; each
/// template element becomes exactly one argv element (never a shell string).
/// </summary>
public sealed record HarnessDefinition
{
    public required string Id { get; init; }
    public required string Label { get; init; }

    /// <summary>An executable name looked up on PATH (built-ins) or an absolute path (registered harnesses).</summary>
    public required string Executable { get; init; }

    /// <summary>argv after the executable when a prompt is given. Default: <c>-- {prompt}</c>.</summary>
    public IReadOnlyList<string> PromptArguments { get; init; } = ["--", "{prompt}"];

    /// <summary>Inserted before the prompt arguments when a model is requested. Default: <c>--model {model}</c>.</summary>
    public IReadOnlyList<string> ModelArguments { get; init; } = ["--model", "{model}"];

    /// <summary>Arguments always passed first.</summary>
    public IReadOnlyList<string> BaseArguments { get; init; } = [];

    /// <summary>
    /// argv that resumes the harness's most recent conversation in the working directory (its own mechanism:
    /// <c>codex resume --last</c>, <c>claude --continue</c>); null when the harness cannot resume. Used only when the
    /// old session's own conversation id is unknown (see <see cref="ResumeConversationArguments"/>).
    /// </summary>
    public IReadOnlyList<string>? ResumeArguments { get; init; }

    /// <summary>
    /// argv that resumes one conversation by id, with a <c>{conversation}</c> placeholder (<c>codex resume {conversation}</c>,
    /// <c>claude --resume {conversation}</c>); null when the harness has none.
    /// </summary>
    public IReadOnlyList<string>? ResumeConversationArguments { get; init; }

    /// <summary>
    /// argv that makes a new conversation use an id Coven chose, with a <c>{conversation}</c> placeholder
    /// (<c>claude --session-id {conversation}</c>); null when the harness picks its own id (Codex: found afterwards,
    /// see <see cref="ConversationDiscovery"/>).
    /// </summary>
    public IReadOnlyList<string>? ConversationArguments { get; init; }

    /// <summary>How Coven learns the id of the conversation a running session holds, when it does not assign it.</summary>
    public ConversationDiscovery ConversationDiscovery { get; init; }

    /// <summary>Output quiet this long means the agent is idle (the fallback signal of docs/attention.md).</summary>
    public int IdleAfterMs { get; init; } = ActivitySettings.DefaultIdleAfterMs;

    /// <summary>Regexes over the screen text that mean the agent waits for the user (a permission prompt, a question).</summary>
    public IReadOnlyList<string> WaitingPatterns { get; init; } = [];

    /// <summary>The native activity signal Coven injects per launch (docs/attention.md), if any.</summary>
    public ActivityHookKind ActivityHook { get; init; }

    /// <summary>For registered harnesses: the activities they report themselves with <c>$COVEN_ACTIVITY_HOOK hook report</c>.</summary>
    public IReadOnlyList<string> ActivitySignals { get; init; } = [];

    /// <summary>The activities this harness reports natively: those its injected hook reports, or the declared ones.</summary>
    public IReadOnlyList<string> NativeActivities => ActivityHook switch
    {
        ActivityHookKind.ClaudeHooks => [SessionActivity.Working, SessionActivity.Waiting, SessionActivity.Idle],
        ActivityHookKind.CodexNotify => [SessionActivity.Idle],
        _ => ActivitySignals,
    };

    /// <summary>How to install it, shown when the executable is missing.</summary>
    public string? InstallHint { get; init; }

    public bool BuiltIn { get; init; }

    /// <summary>A new conversation id for a launch when this harness accepts one (<see cref="ConversationArguments"/>), else null.</summary>
    public string? NewConversationId() => ConversationArguments is null ? null : Guid.NewGuid().ToString("D");

    /// <summary>
    /// Builds argv[1..] for a launch; the prompt and the model are single elements whatever they contain.
    /// <paramref name="conversationId"/> (from <see cref="NewConversationId"/>) goes in through <see cref="ConversationArguments"/>.
    /// </summary>
    public IReadOnlyList<string> BuildArguments(string? prompt, string? model, IReadOnlyList<string>? extra = null, string? conversationId = null)
    {
        var args = new List<string>(BaseArguments);
        if (conversationId is not null && ConversationArguments is not null)
        {
            args.AddRange(Fill(ConversationArguments, conversationId));
        }

        if (extra is not null)
        {
            args.AddRange(extra);
        }

        if (!string.IsNullOrEmpty(model))
        {
            args.AddRange(ModelArguments.Select(a => a == "{model}" ? model : a));
        }

        if (!string.IsNullOrEmpty(prompt))
        {
            args.AddRange(PromptArguments.Select(a => a == "{prompt}" ? prompt : a));
        }

        return args;
    }

    /// <summary>True when this harness can resume at all (by id or its latest conversation).</summary>
    public bool CanResume => ResumeArguments is not null || ResumeConversationArguments is not null;

    /// <summary>
    /// argv[1..] that resumes <paramref name="conversationId"/> (the old session's own conversation) or, when it is
    /// unknown or the harness cannot resume by id, the latest conversation in the working directory.
    /// <paramref name="latest"/> says which one it is. Null when the harness cannot resume that way.
    /// </summary>
    public IReadOnlyList<string>? BuildResumeArguments(string? conversationId, IReadOnlyList<string> extra, out bool latest)
    {
        latest = conversationId is null || ResumeConversationArguments is null;
        var resume = latest ? ResumeArguments : Fill(ResumeConversationArguments!, conversationId!);
        return resume is null ? null : [.. BaseArguments, .. resume, .. extra];
    }

    private static IEnumerable<string> Fill(IReadOnlyList<string> template, string conversationId) =>
        template.Select(a => a == "{conversation}" ? conversationId : a);
}
