using System.Text.Json;

namespace Coven.Daemon.Lanes;

/// <summary>A lane's answer to one request: ok with the reply document, a lane error, or no answer at all.</summary>
internal readonly record struct LaneReply(bool Ok, JsonElement Body, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>The connection is gone or the lane did not answer in time.</summary>
    public bool Unavailable => !Ok && ErrorCode == UnavailableCode;

    public const string UnavailableCode = "unavailable";

    public static LaneReply NoAnswer(string message) => new(false, default, UnavailableCode, message);
}
