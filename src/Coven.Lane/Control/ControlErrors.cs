namespace Coven.Lane.Control;

/// <summary>Error codes of the lane control protocol (stable wire strings).</summary>
internal static class ControlErrors
{
    public const string Malformed = "malformed";
    public const string BadArgs = "bad_args";
    public const string UnknownOp = "unknown_op";
    public const string UnsupportedVersion = "unsupported_version";
    public const string WrongSession = "wrong_session";
    public const string TooLarge = "too_large";
    public const string NotRunning = "not_running";
    public const string Internal = "internal";
}
