using Coven.Core.Api;
using Coven.Daemon.Api;

namespace Coven.Daemon.Sessions;

/// <summary>Why <see cref="LaunchPlanner"/> refused a launch request.</summary>
internal enum LaunchPlanErrorKind
{
    /// <summary>A field is missing, out of range or malformed (400 invalid_request).</summary>
    InvalidRequest,

    /// <summary>harnesses.json cannot be read (400 unknown_harness).</summary>
    HarnessConfigInvalid,

    /// <summary>The familiar is neither defined nor a harness id (400 unknown_harness).</summary>
    UnknownFamiliar,

    /// <summary>Both harness and familiar were sent and they disagree (400 invalid_request).</summary>
    FamiliarHarnessMismatch,

    /// <summary>No harness with that id (400 unknown_harness).</summary>
    UnknownHarness,

    /// <summary>The harness is known but its executable is not on PATH (400 harness_unavailable).</summary>
    HarnessUnavailable,

    /// <summary>A resume of a harness without resume arguments (400 resume_unsupported).</summary>
    ResumeUnsupported,

    /// <summary>projectRoot is missing, relative, not a directory or unusable (400 project_root_invalid).</summary>
    ProjectRootInvalid,

    /// <summary>cwd resolves outside the project root (400 path_outside_root).</summary>
    PathOutsideRoot,

    /// <summary>cwd does not exist or is not a directory (400 invalid_request).</summary>
    WorkingDirectoryInvalid,
}

/// <summary>A refused launch: the kind for code and tests, and the exact error envelope the API answers with.</summary>
internal sealed record LaunchPlanError(LaunchPlanErrorKind Kind, string Code, string Message, Dictionary<string, object?>? Details = null)
{
    public ApiResult ToApiResult() => ApiResult.Error(400, Code, Message, Details);

    public static LaunchPlanError Invalid(string message, Dictionary<string, object?>? details = null) =>
        new(LaunchPlanErrorKind.InvalidRequest, ErrorCodes.InvalidRequest, message, details);

    public static LaunchPlanError HarnessConfigInvalid(string why) =>
        new(LaunchPlanErrorKind.HarnessConfigInvalid, ErrorCodes.UnknownHarness, "harnesses.json is invalid: " + why);
}
