using Coven.Daemon.Interop;

namespace Coven.Daemon.Hosting;

/// <summary>
/// covend runs under umask 077 so every file it (or SQLite) creates in COVEN_HOME is 0600 and every directory 0700.
/// The umask it was started with is the user's choice for their own files: lanes get it (<c>--umask</c>) and hand
/// it to the harness, so files the agent writes in the project keep the user's usual modes.
/// </summary>
internal static class ProcessUmask
{
    /// <summary>umask 077: files 0600, directories 0700.</summary>
    public const uint Private = 0x3F;

    /// <summary>The umask covend inherited (022 when never restricted).</summary>
    public static uint Inherited { get; private set; } = 0x12;

    public static void RestrictToUser() => Inherited = Libc.Umask(Private);

    /// <summary>Octal, as <c>coven-lane --umask</c> takes it.</summary>
    public static string InheritedOctal => Convert.ToString(Inherited, 8);
}
