namespace Coven.Core;

/// <summary>Control-plane action ids (docs/api.md) and the lifecycle triggers that guard them.</summary>
public static class SessionActions
{
    public const string Launch = "session.launch";
    public const string Input = "session.input";
    public const string Resize = "session.resize";
    public const string Kill = "session.kill";
    public const string Archive = "session.archive";
    public const string Summon = "session.summon";
    public const string Sacrifice = "session.sacrifice";
    public const string RitualsRun = "rituals.run";
    public const string RitualsSchedule = "rituals.schedule";
    public const string RitualsUnschedule = "rituals.unschedule";

    /// <summary>Resume an ended session as a new linked one (also <c>POST /sessions/{id}/resume</c>).</summary>
    public const string Resume = "session.resume";

    /// <summary>Run a Cast Code (also <c>POST /cast</c>); args are the cast request.</summary>
    public const string Cast = "cast";

    public static IReadOnlyList<string> All { get; } =
        [Launch, Input, Resize, Kill, Archive, Summon, Sacrifice, Resume, RitualsRun, RitualsSchedule, RitualsUnschedule, Cast];

    /// <summary>The action a user can request for a trigger, or null for triggers only the runtime fires.</summary>
    public static string? ForTrigger(SessionTrigger trigger) => trigger switch
    {
        SessionTrigger.Input => Input,
        SessionTrigger.Resize => Resize,
        SessionTrigger.Kill => Kill,
        SessionTrigger.Archive => Archive,
        SessionTrigger.Summon => Summon,
        SessionTrigger.Sacrifice => Sacrifice,
        _ => null,
    };
}
