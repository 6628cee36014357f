namespace Coven.Daemon.Logging;

/// <summary>Log event ids, one range per area.</summary>
internal static class EventIds
{
    // 1xx hosting
    public const int DaemonStarted = 100;
    public const int DaemonStopping = 101;
    public const int PeerRefused = 102;
    public const int DaemonStopped = 103;
    public const int LogLinesDropped = 104;

    // 2xx HTTP edge
    public const int UnhandledException = 200;
    public const int BadRequest = 201;
    public const int StoreFailure = 202;

    // 3xx sessions
    public const int SessionLaunched = 300;
    public const int LaunchFailed = 301;
    public const int LaunchLost = 302;
    public const int KillRequested = 303;
    public const int TransitionConflict = 304;
    public const int LateStartKilled = 305;
    public const int LaunchAttachFailed = 308;
    public const int SpareLaneFailed = 309;
    public const int ConversationFound = 320;
    public const int ConversationScanFailed = 321;
    public const int EventDeferred = 306;
    public const int DeferredRecorded = 307;
    public const int SpillFailed = 330;
    public const int SpillRecordsSkipped = 331;
    public const int SpillRemoveFailed = 332;
    public const int SpillReplayed = 333;
    public const int DeferredAlreadyRecorded = 334;
    public const int SpillUnreadable = 335;
    public const int DeferredDropped = 336;

    // 4xx supervision
    public const int MonitorAttached = 400;
    public const int MonitorLost = 401;
    public const int SessionExited = 402;
    public const int SessionOrphaned = 403;
    public const int Reattached = 404;
    public const int ReconcileDone = 405;
    public const int LeftoverKilled = 406;
    public const int MonitorFailed = 407;
    public const int StaleSocketRemoved = 408;
    public const int SweepFailed = 409;
    public const int LaneLogRemoved = 410;

    // 5xx rituals and scheduler
    public const int RitualRan = 500;
    public const int RitualFailed = 501;
    public const int ScheduleLoaded = 502;
    public const int SchedulerFailed = 503;

    // 6xx cast codes, familiars, resume and handoff
    public const int CastRan = 600;
    public const int CastRefused = 601;
    public const int FamiliarDefined = 602;
    public const int FamiliarRemoved = 603;
    public const int ActiveFamiliarSet = 604;

    // 7xx store: redaction, retention, search
    public const int RedactionSettingsInvalid = 700;
    public const int OutputPruned = 701;
    public const int PruneFailed = 702;
    public const int SearchIndexFailed = 703;

    // 8xx notifications (docs/attention.md)
    public const int NoticeFailed = 800;
    public const int NoticeDropped = 801;
    public const int NotifyConfigInvalid = 802;

    // 9xx web cockpit (docs/web.md)
    public const int WebStarted = 900;
    public const int WebStopped = 901;
}
