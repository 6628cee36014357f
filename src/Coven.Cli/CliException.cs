namespace Coven.Cli;

/// <summary>
/// An expected failure that ends the command: printed as one line <c>coven: message (code)</c> on stderr
/// and turned into <see cref="ExitCode"/>. Anything else escaping a command is a bug.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string code, string message, int? exitCode = null, IReadOnlyList<string>? detailLines = null)
        : base(message)
    {
        Code = code;
        ExitCode = exitCode ?? ExitCodes.ForApiError(code);
        DetailLines = detailLines ?? [];
    }

    public CliException()
        : this("internal", "unknown error")
    {
    }

    public CliException(string message)
        : this("internal", message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "internal";
        ExitCode = ExitCodes.Failed;
        DetailLines = [];
    }

    /// <summary>The stable error code (the API's, or one of the CLI's own: usage, ambiguous_session, daemon_unreachable).</summary>
    public string Code { get; }

    public int ExitCode { get; }

    /// <summary>Extra lines printed after the error line (e.g. the candidates of an ambiguous prefix).</summary>
    public IReadOnlyList<string> DetailLines { get; }

    public static CliException Usage(string message) => new("usage", message, ExitCodes.Usage);

    public static CliException Unreachable(string message) => new("daemon_unreachable", message, ExitCodes.DaemonUnreachable);
}
