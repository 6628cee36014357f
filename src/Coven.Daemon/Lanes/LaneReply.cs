using System.Text.Json;

namespace Coven.Daemon.Lanes;

/// <summary>
/// A lane's answer to one request: ok with the reply document, a lane error, or no answer at all. Without an answer,
/// <see cref="Sent"/> tells "not sent" (nothing reached the lane) from "sent, no answer" (the lane has the request and
/// may still apply it).
/// </summary>
internal readonly record struct LaneReply(bool Ok, JsonElement Body, string? ErrorCode, string? ErrorMessage, bool Sent = false)
{
    /// <summary>The connection is gone or the lane did not answer in time.</summary>
    public bool Unavailable => !Ok && ErrorCode is UnavailableCode or TimeoutCode;

    /// <summary>The lane did not answer within the request's timeout (the request may or may not have been sent).</summary>
    public bool TimedOut => !Ok && ErrorCode == TimeoutCode;

    public const string UnavailableCode = "unavailable";

    public const string TimeoutCode = "timeout";

    /// <param name="sent">True when the whole request frame reached the lane's socket before the connection failed.</param>
    public static LaneReply NoAnswer(string message, bool sent = false) => new(false, default, UnavailableCode, message, sent);

    public static LaneReply NoAnswerInTime(string message, bool sent) => new(false, default, TimeoutCode, message, sent);
}
