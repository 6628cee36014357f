namespace Coven.TestSupport;

/// <summary>What a finished <c>coven</c> run left: exit code and the two output streams.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
