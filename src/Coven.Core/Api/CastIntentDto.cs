using Coven.Core.Cast;

namespace Coven.Core.Api;

/// <summary>The wire form of a parsed <see cref="CastCode"/>.</summary>
public sealed record CastIntentDto
{
    /// <summary>status | switch | delegate | broadcast | resume | handoff</summary>
    public required string Kind { get; init; }

    public string? Name { get; init; }
    public IReadOnlyList<string> Names { get; init; } = [];
    public string? Text { get; init; }
    public string? Session { get; init; }

    public static string KindName(CastKind kind) => kind switch
    {
        CastKind.Status => "status",
        CastKind.Switch => "switch",
        CastKind.Delegate => "delegate",
        CastKind.Broadcast => "broadcast",
        CastKind.Resume => "resume",
        CastKind.Handoff => "handoff",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static CastIntentDto From(CastCode code) => new()
    {
        Kind = KindName(code.Kind),
        Name = code.Name,
        Names = code.Names,
        Text = code.Text,
        Session = code.Session,
    };
}
