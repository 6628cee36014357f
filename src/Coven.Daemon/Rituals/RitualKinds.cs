using Coven.Core;

namespace Coven.Daemon.Rituals;

/// <summary>The rituals a schedule may run and the lifecycle trigger each one fires.</summary>
internal static class RitualKinds
{
    public const string Archive = "archive";
    public const string Summon = "summon";
    public const string Sacrifice = "sacrifice";

    /// <summary>Removes worktrees of ended sessions by age (and orphaned ones); not a lifecycle trigger.</summary>
    public const string PruneWorktrees = "prune-worktrees";

    /// <summary>Applies retention.json's bounds (what <c>coven prune --yes</c> does); not a lifecycle trigger.</summary>
    public const string PruneStore = "prune-store";

    public static IReadOnlyList<string> All { get; } = [Archive, Summon, Sacrifice, PruneWorktrees, PruneStore];

    public static bool IsKnown(string? ritual) => ritual is not null && All.Contains(ritual);

    /// <summary>Rituals that delete something for good: they need an explicit selector (where one applies) and confirmation.</summary>
    public static bool IsDestructive(string? ritual) => ritual is Sacrifice or PruneWorktrees or PruneStore;

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
        PruneWorktrees => [SessionStatus.Finished, SessionStatus.Failed, SessionStatus.Orphaned, SessionStatus.Archived],
        _ => [SessionStatus.Archived],
    };
}
