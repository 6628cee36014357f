namespace Coven.Core.Api;

/// <summary>Stable error codes (api.md).</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string UnknownHarness = "unknown_harness";
    public const string HarnessUnavailable = "harness_unavailable";
    public const string ProjectRootInvalid = "project_root_invalid";
    public const string PathOutsideRoot = "path_outside_root";
    public const string UnknownAction = "unknown_action";
    public const string SessionNotFound = "session_not_found";
    public const string InvalidTransition = "invalid_transition";
    public const string SessionNotLive = "session_not_live";

    /// <summary>The lane did not answer in time; details.sent says whether it got the request (issue 12 item 10).</summary>
    public const string LaneTimeout = "lane_timeout";
    public const string PayloadTooLarge = "payload_too_large";
    public const string LaunchFailed = "launch_failed";
    public const string Internal = "internal";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string ScheduleNotFound = "schedule_not_found";
    public const string Unavailable = "unavailable";
}
