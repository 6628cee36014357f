namespace Coven.Core.Api;

/// <summary>The answer of a wait: <c>outcome</c> is <c>matched</c>, <c>settled</c>, <c>exited</c> or <c>timeout</c>.</summary>
public sealed record WaitResponse
{
    public required string Outcome { get; init; }
    public required SessionDto Session { get; init; }

    /// <summary>The matched text when <see cref="Outcome"/> is <c>matched</c>.</summary>
    public string? Match { get; init; }
}
