using Coven.Core;
using Coven.Core.Api;

namespace Coven.Daemon.Api;

/// <summary>The one place that turns domain outcomes into the error envelope of docs/api.md.</summary>
internal static class ApiErrors
{
    public static ApiResult InvalidRequest(string message) => ApiResult.Error(400, ErrorCodes.InvalidRequest, message);

    public static ApiResult SessionNotFound(string? id) =>
        ApiResult.Error(404, ErrorCodes.SessionNotFound, "no session with id '" + Printable(id) + "'.", new() { ["sessionId"] = Printable(id) });

    public static ApiResult InvalidTransition(SessionRecord session, string action, string? why = null) =>
        ApiResult.Error(
            409,
            ErrorCodes.InvalidTransition,
            why ?? $"{action} is not permitted while the session is {WireNames.Of(session.Status)}.",
            new()
            {
                ["sessionId"] = session.Id.Value,
                ["status"] = WireNames.Of(session.Status),
                ["allowedActions"] = SessionLifecycle.AllowedActions(session.Status).ToArray(),
            });

    public static ApiResult NotLive(SessionRecord session, string why) =>
        ApiResult.Error(
            409,
            ErrorCodes.SessionNotLive,
            why,
            new()
            {
                ["sessionId"] = session.Id.Value,
                ["status"] = WireNames.Of(session.Status),
                ["allowedActions"] = SessionLifecycle.AllowedActions(session.Status).ToArray(),
            });

    /// <summary>
    /// A live session without a verified lane: <c>session_not_live</c>; when covend refused the lane as incompatible
    /// (docs/daemon.md, "Upgrades"), the message says why and <c>details.laneError</c> is <c>lane_incompatible</c>.
    /// </summary>
    public static ApiResult NotVerified(SessionRecord session, Supervision.LaneRefusal? refusal, string why) =>
        refusal is null
            ? NotLive(session, why)
            : ApiResult.Error(
                409,
                ErrorCodes.SessionNotLive,
                $"covend does not drive this session's lane: {refusal.Reason}. The session keeps running; install the coven version that started it and run 'coven daemon restart' to drive it again, or let it end.",
                new()
                {
                    ["sessionId"] = session.Id.Value,
                    ["status"] = WireNames.Of(session.Status),
                    ["laneError"] = "lane_incompatible",
                    ["laneVersion"] = refusal.LaneVersion,
                    ["laneProtocol"] = refusal.LaneProtocol,
                });

    /// <summary>A lane request that did not succeed: <c>lane_timeout</c> (sent or not), not live (no lane), or refused.</summary>
    public static ApiResult LaneRefused(SessionRecord session, Lanes.LaneReply reply) =>
        reply.TimedOut
            ? ApiResult.Error(
                504,
                ErrorCodes.LaneTimeout,
                reply.ErrorMessage ?? "the lane did not answer in time",
                new() { ["sessionId"] = session.Id.Value, ["sent"] = reply.Sent })
            : reply.Unavailable
            ? ApiErrors.NotLive(session, "the lane did not answer: " + reply.ErrorMessage)
            : ApiResult.Error(409, ErrorCodes.SessionNotLive, $"the lane refused the request ({reply.ErrorCode}): {reply.ErrorMessage}", new() { ["sessionId"] = session.Id.Value, ["laneError"] = reply.ErrorCode });

    public static ApiResult PayloadTooLarge(string message) => ApiResult.Error(413, ErrorCodes.PayloadTooLarge, message);

    public static ApiResult Unavailable(string message) => ApiResult.Error(503, ErrorCodes.Unavailable, message);

    public static ApiResult ScheduleNotFound(string id) =>
        ApiResult.Error(404, ErrorCodes.ScheduleNotFound, "no ritual schedule with id '" + Printable(id) + "'.", new() { ["scheduleId"] = Printable(id) });

    /// <summary>Ids echoed back are truncated and stripped of control characters.</summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var clipped = text.Length > 80 ? text[..80] + "…" : text;
        return string.Create(clipped.Length, clipped, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
