namespace Coven.Cli;

/// <summary>The exit codes of <c>coven</c> (documented in docs/cli.md; scripts rely on them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The request failed: an API error other than the ones below, or a local failure.</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments, an ambiguous session prefix, or a refused confirmation.</summary>
    public const int Usage = 2;

    /// <summary>The daemon could not be reached or started.</summary>
    public const int DaemonUnreachable = 3;

    /// <summary>No session (or schedule) matches the reference.</summary>
    public const int NotFound = 4;

    /// <summary>The session's state does not allow the operation (invalid_transition, session_not_live).</summary>
    public const int InvalidState = 5;

    /// <summary><c>coven wait</c> gave up (like coreutils <c>timeout</c>).</summary>
    public const int Timeout = 124;

    /// <summary>Interrupted by SIGINT/SIGTERM/SIGHUP (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Maps a stable API error code to an exit code.</summary>
    public static int ForApiError(string code) => code switch
    {
        "session_not_found" or "schedule_not_found" or "familiar_not_found" => NotFound,
        "invalid_transition" or "session_not_live" => InvalidState,
        "daemon_unreachable" or "store_unusable" => DaemonUnreachable,
        "ambiguous_session" or "usage" or "invalid_cast" or "no_active_familiar" => Usage,
        _ => Failed,
    };
}
