namespace Coven.Core;

/// <summary>covend's exit codes (docs/daemon.md); the CLI's auto-start reads them.</summary>
public static class DaemonExitCodes
{
    public const int Ok = 0;

    /// <summary>COVEN_HOME cannot be used (not creatable, not writable).</summary>
    public const int Failed = 1;

    /// <summary>Bad command line.</summary>
    public const int Usage = 2;

    /// <summary>The store file is not a usable Coven database; it was not touched (sysexits EX_DATAERR).</summary>
    public const int StoreUnusable = 65;

    /// <summary>The store needs a migration, but running lanes cannot write the new schema; nothing was migrated (EX_UNAVAILABLE).</summary>
    public const int LanesBlockMigration = 69;

    /// <summary>Another covend holds the single-instance lock of this home: connect to it (sysexits EX_TEMPFAIL).</summary>
    public const int AlreadyRunning = 75;
}
