namespace Coven.Core.Api;

/// <summary>Stable error codes (docs/api.md).</summary>
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

    /// <summary>503: another writer holds the store's lock past the request's wait (Retry-After is set).</summary>
    public const string StoreBusy = "store_busy";

    /// <summary>507: the store's disk is full.</summary>
    public const string StoreFull = "store_full";

    // Worktrees (api.md "Worktrees").
    public const string NotAGitRepository = "not_a_git_repository";
    public const string DetachedHead = "detached_head";
    public const string BranchExists = "branch_exists";
    public const string GitFailed = "git_failed";
    public const string GitMissing = "git_missing";
    public const string NoWorktree = "no_worktree";
    public const string MergeConflict = "merge_conflict";
    public const string DirtyWorktree = "dirty_worktree";

    // Web cockpit (docs/web.md).
    public const string WebAssetsMissing = "web_assets_missing";
    public const string WebPortInUse = "web_port_in_use";
    public const string WebUnauthorized = "web_unauthorized";
    public const string WebForbidden = "web_forbidden";
}
