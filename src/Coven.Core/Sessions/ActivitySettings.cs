using System.Text.RegularExpressions;

namespace Coven.Core;

/// <summary>The lane's fallback activity detection of one session (docs/attention.md), from the harness definition.</summary>
public sealed record ActivitySettings
{
    public const int DefaultIdleAfterMs = 3000;
    public const int MinIdleAfterMs = 100;
    public const int MaxIdleAfterMs = 3_600_000;

    /// <summary>A bound on one match over one screen, so a pathological pattern cannot stall the lane's timer.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public int IdleAfterMs { get; init; } = DefaultIdleAfterMs;

    public IReadOnlyList<string> WaitingPatterns { get; init; } = [];

    /// <summary>
    /// The activities the harness reports natively (hooks, docs/attention.md). When they include <c>working</c>, the
    /// fallback stands down entirely once the first native report has arrived; otherwise it keeps running, but a
    /// native report holds until new output follows it.
    /// </summary>
    public IReadOnlyList<string> NativeSignals { get; init; } = [];

    public static Regex Compile(string pattern) => new(pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant, MatchTimeout);

    public static bool IsValidPattern(string pattern, out string error)
    {
        try
        {
            _ = Compile(pattern);
            error = string.Empty;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
