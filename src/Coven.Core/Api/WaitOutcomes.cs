namespace Coven.Core.Api;

/// <summary>The values of <see cref="WaitResponse.Outcome"/>.</summary>
public static class WaitOutcomes
{
    public const string Matched = "matched";
    public const string Settled = "settled";
    public const string Exited = "exited";
    public const string Timeout = "timeout";
}
