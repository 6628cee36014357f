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
    /// <c>codex resume --last</c>, <c>claude --continue</c>); null when the harness cannot resume.
    /// </summary>
    public IReadOnlyList<string>? ResumeArguments { get; init; }

    /// <summary>How to install it, shown when the executable is missing.</summary>
    public string? InstallHint { get; init; }

    public bool BuiltIn { get; init; }

    /// <summary>Builds argv[1..] for a launch; the prompt and the model are single elements whatever they contain.</summary>
    public IReadOnlyList<string> BuildArguments(string? prompt, string? model, IReadOnlyList<string>? extra = null)
    {
        var args = new List<string>(BaseArguments);
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
}
