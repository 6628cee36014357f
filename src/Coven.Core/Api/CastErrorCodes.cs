namespace Coven.Core.Api;

/// <summary>Stable error codes added with Cast Codes, familiars, resume and handoff (in docs/api.md's table).</summary>
public static class CastErrorCodes
{
    /// <summary>400: the Cast Code did not parse; details <c>column</c> and <c>expected</c>.</summary>
    public const string InvalidCast = "invalid_cast";

    /// <summary>404: no user-defined familiar with that name (DELETE).</summary>
    public const string FamiliarNotFound = "familiar_not_found";

    /// <summary>409: a session id prefix matches more than one session; details <c>candidates</c>.</summary>
    public const string AmbiguousSession = "ambiguous_session";

    /// <summary>400: the session's harness has no resume mechanism (no <c>resumeArgs</c>).</summary>
    public const string ResumeUnsupported = "resume_unsupported";

    /// <summary>400: <c>coven run</c> without a harness in a project that has no active familiar.</summary>
    public const string NoActiveFamiliar = "no_active_familiar";
}
