using System.Globalization;
using System.Text.RegularExpressions;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Screens;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Interaction;

/// <summary>
/// <c>POST /api/v1/sessions/{id}/wait</c>: blocks until the screen matches a pattern, output has been quiet for a
/// while, or the session has ended. Woken by the session's <see cref="SessionSignal"/> (pulsed on every lane
/// <c>appended</c>/<c>exited</c> notification and every event the daemon writes); the only timed wake-ups are the
/// settle deadline, the request's timeout and a slow safety re-check in case a notification was dropped.
/// </summary>
internal sealed class WaitService(CovenStore store, ScreenReader screens, SessionSignals signals, LaneMonitors monitors, TimeProvider time)
{
    public const int DefaultTimeoutMs = 600_000;
    public const int MaxTimeoutMs = 3_600_000;
    public const int MaxPatternLength = 4096;

    // A pattern with catastrophic backtracking must not hold a daemon thread: every match is bounded.
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromMilliseconds(200);

    // Lane notifications to a slow subscriber may be dropped (docs/lane-protocol.md); a re-check bounds that case.
    private static readonly TimeSpan s_safetyRecheck = TimeSpan.FromSeconds(2);

    public async Task<ApiResult> WaitAsync(string? rawId, WaitRequest request, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(rawId, out var id) || store.Sessions.Get(id) is null)
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        var conditions = (request.For is not null ? 1 : 0) + (request.SettleMs is not null ? 1 : 0) + (request.Exit == true ? 1 : 0)
            + (request.Activity is not null ? 1 : 0);
        if (conditions != 1)
        {
            return ApiErrors.InvalidRequest("send exactly one of for (a regex), settleMs, exit: true or activity.");
        }

        if (request.Activity is { } wanted && wanted is not (SessionActivity.Working or SessionActivity.Waiting or SessionActivity.Idle))
        {
            return ApiErrors.InvalidRequest("activity must be working, waiting or idle.");
        }

        var timeoutMs = request.TimeoutMs ?? DefaultTimeoutMs;
        if (timeoutMs is < 0 or > MaxTimeoutMs)
        {
            return ApiErrors.InvalidRequest($"timeoutMs must be between 0 and {MaxTimeoutMs}.");
        }

        if (request.SettleMs is { } settleMs && settleMs is < 1 or > MaxTimeoutMs)
        {
            return ApiErrors.InvalidRequest($"settleMs must be between 1 and {MaxTimeoutMs}.");
        }

        Regex? pattern = null;
        if (request.For is { } text)
        {
            if (text.Length is 0 or > MaxPatternLength)
            {
                return ApiErrors.InvalidRequest($"for must be a regular expression of 1 to {MaxPatternLength} characters.");
            }

            try
            {
                pattern = new Regex(text, RegexOptions.Multiline | RegexOptions.CultureInvariant, s_matchTimeout);
            }
            catch (ArgumentException e)
            {
                return ApiErrors.InvalidRequest("for is not a valid regular expression: " + e.Message);
            }
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, monitors.StoppingToken);
        var ct = cts.Token;
        using var follow = signals.Follow(id);
        var signal = follow.Signal;
        var start = time.GetTimestamp();
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        while (true)
        {
            // Version first, then state: a pulse after this read wakes the wait below.
            var version = signal.Version;
            if (store.Sessions.Get(id) is not { } session)
            {
                return ApiErrors.SessionNotFound(rawId);
            }

            var ended = ScreenReader.HasEnded(session.Status);
            var wake = s_safetyRecheck;
            if (pattern is not null)
            {
                var read = await screens.ReadAsync(session, ansi: false, ct);
                if (read.Screen is { } screen)
                {
                    Match match;
                    try
                    {
                        match = pattern.Match(ScreenReader.Text(screen));
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        return ApiErrors.InvalidRequest($"for took longer than {s_matchTimeout.TotalMilliseconds} ms to match the screen; use a simpler pattern.");
                    }

                    if (match.Success)
                    {
                        return Answer(WaitOutcomes.Matched, session, match.Value);
                    }
                }

                if (ended)
                {
                    return Answer(WaitOutcomes.Exited, session, null);
                }
            }
            else if (ended)
            {
                return Answer(WaitOutcomes.Exited, session, null);
            }
            else if (request.Activity is { } activity)
            {
                if (session.Activity == activity)
                {
                    return Answer(WaitOutcomes.Matched, session, activity);
                }
            }
            else if (request.SettleMs is { } settle)
            {
                var quietFor = time.GetUtcNow() - LastOutputAt(session);
                var left = TimeSpan.FromMilliseconds(settle) - quietFor;
                if (left <= TimeSpan.Zero)
                {
                    return Answer(WaitOutcomes.Settled, session, null);
                }

                wake = left < wake ? left : wake;
            }

            var remaining = timeout - time.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                return Answer(WaitOutcomes.Timeout, session, null);
            }

            await signal.WaitAsync(version, remaining < wake ? remaining : wake, time, ct);
        }
    }

    /// <summary>When output was last recorded (the event's commit time), else when the session was created.</summary>
    private DateTimeOffset LastOutputAt(SessionRecord session)
    {
        if (store.Events.Latest(session.Id, EventKinds.Output) is { } last
            && DateTimeOffset.TryParse(last.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        return session.CreatedAt;
    }

    private static ApiResult Answer(string outcome, SessionRecord session, string? match) =>
        ApiResult.Ok(new WaitResponse { Outcome = outcome, Session = SessionDto.From(session), Match = match }, CovenJsonContext.Default.WaitResponse);
}
