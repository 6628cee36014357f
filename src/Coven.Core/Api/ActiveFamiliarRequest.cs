namespace Coven.Core.Api;

/// <summary>Body of <c>POST /api/v1/familiars/active</c> (what <c>~&gt;NAME</c> maps to).</summary>
public sealed record ActiveFamiliarRequest
{
    public string? ProjectRoot { get; init; }
    public string? Familiar { get; init; }
}
