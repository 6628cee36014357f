namespace Coven.Core;

/// <summary>How a harness process ended: an exit code or a terminating signal, never both.</summary>
public readonly record struct ExitStatus(int? Code, int? Signal)
{
    public bool IsSuccess => Code == 0 && Signal is null;

    public string? SignalName => Signal is int s ? Signals.Name(s) : null;

    public static ExitStatus FromCode(int code) => new(code, null);

    public static ExitStatus FromSignal(int signal) => new(null, signal);
}
