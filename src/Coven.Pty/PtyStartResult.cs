using System.Diagnostics.CodeAnalysis;

namespace Coven.Pty;

/// <summary>Outcome of <see cref="PtyProcess.Start"/>: exactly one of <see cref="Process"/> and <see cref="Error"/> is set.</summary>
public sealed class PtyStartResult
{
    private PtyStartResult(PtyProcess? process, PtyError? error)
    {
        Process = process;
        Error = error;
    }

    public PtyProcess? Process { get; }

    public PtyError? Error { get; }

    [MemberNotNullWhen(true, nameof(Process))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Process is not null;

    internal static PtyStartResult Success(PtyProcess process) => new(process, null);

    internal static PtyStartResult Failure(PtyErrorKind kind, int errno, string message) => new(null, new PtyError(kind, errno, message));
}
