using Coven.Core.Api;

namespace Coven.Daemon.Rituals;

internal sealed record DefaultRitual
{
    public string? Id { get; init; }
    public string? Ritual { get; init; }
    public string? Every { get; init; }
    public string? Cron { get; init; }
    public RitualSelectorDto? Selector { get; init; }
}
