using Coven.Core;

namespace Coven.Daemon.Rituals;

/// <summary>The rituals a schedule may run and the lifecycle trigger each one fires.</summary>
internal static class RitualKinds
{
    public const string Archive = "archive";
    public const string Summon = "summon";
    public const string Sacrifice = "sacrifice";

    public static bool TryGetTrigger(string? ritual, out SessionTrigger trigger)
    {
        trigger = ritual switch
        {
            Archive => SessionTrigger.Archive,
            Summon => SessionTrigger.Summon,
            Sacrifice => SessionTrigger.Sacrifice,
            _ => SessionTrigger.Launch,
        };
        return trigger != SessionTrigger.Launch;
    }

    /// <summary>Statuses a ritual selects when the selector names none.</summary>
    public static IReadOnlyList<SessionStatus> DefaultStatuses(string ritual) => ritual switch
    {
        Archive => [SessionStatus.Finished, SessionStatus.Failed, SessionStatus.Orphaned],
        _ => [SessionStatus.Archived],
    };
}
