namespace Coven.Daemon.Rituals;

/// <summary>workflows/rituals.default.json: the schedules <c>coven rituals add --defaults</c> installs.</summary>
internal sealed record DefaultRitualsFile
{
    public string? Description { get; init; }
    public IReadOnlyList<DefaultRitual>? Schedules { get; init; }
}
