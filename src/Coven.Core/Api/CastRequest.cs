namespace Coven.Core.Api;

/// <summary>
/// Body of <c>POST /api/v1/cast</c>. <c>projectRoot</c> scopes project-wide codes; <c>target</c> is a session id
/// (or unique prefix) used by <c>~^ resume</c> and <c>~&lt;handoff</c> when the code names no session.
/// </summary>
public sealed record CastRequest
{
    public string? Code { get; init; }
    public string? ProjectRoot { get; init; }
    public string? Target { get; init; }
}
