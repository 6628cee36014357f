namespace Coven.Pty;

/// <summary>An expected start failure, as a value.</summary>
/// <param name="Kind">Category of the failure.</param>
/// <param name="Errno">The error number reported by the system, or 0 when the failure was detected up front without one.</param>
/// <param name="Message">A message fit to show to a person.</param>
public sealed record PtyError(PtyErrorKind Kind, int Errno, string Message);
