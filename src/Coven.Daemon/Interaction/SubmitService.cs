using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Screens;
using Coven.Daemon.Sessions;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Interaction;

/// <summary>
/// <c>POST /api/v1/sessions/{id}/input</c> with <c>"submit": true</c>: types a prompt the way agent CLIs accept one.
/// The text goes in as a bracketed paste when the program enabled mode 2004 (so embedded newlines do not submit
/// early), then, after a short pause (programs treat fast input as part of a paste), a separate <c>\r</c>.
/// Answers whether the screen changed compared with before the text, within a bounded wait.
/// </summary>
internal sealed class SubmitService(CovenStore store, LaneMonitors monitors, ScreenReader screens, SessionLocks locks, SessionSignals signals, DaemonOptions options, TimeProvider time, DeferredEvents deferred)
{
    private const string PasteStart = "\e[200~";
    private const string PasteEnd = "\e[201~";

    /// <summary>Between the text and Enter: long enough that no paste heuristic joins them.</summary>
    public static readonly TimeSpan EnterDelay = TimeSpan.FromMilliseconds(150);

    /// <summary>How long to wait for the screen to change after Enter.</summary>
    public static readonly TimeSpan ChangeWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan s_laneTimeout = TimeSpan.FromSeconds(5);

    public async Task<ApiResult> SubmitAsync(SessionId id, InputRequest request, CancellationToken cancellationToken)
    {
        if (request.Data is not { Length: > 0 } prompt || request.DataBase64 is not null)
        {
            return ApiErrors.InvalidRequest("submit needs the prompt as data (text), not dataBase64.");
        }

        if (Encoding.UTF8.GetByteCount(prompt) + PasteStart.Length + PasteEnd.Length > options.MaxInputBytes)
        {
            return ApiErrors.PayloadTooLarge($"a submitted prompt is limited to {options.MaxInputBytes - PasteStart.Length - PasteEnd.Length} bytes.");
        }

        ScreenDto before;
        bool bracketed;
        RecordOutcome text;
        using (await locks.AcquireAsync(id, cancellationToken))
        {
            if (Verify(id) is { } refused)
            {
                return refused;
            }

            var read = await screens.ReadAsync(store.Sessions.Get(id)!, ansi: false, cancellationToken);
            if (read.Screen is null)
            {
                return read.Error!;
            }

            before = read.Screen;
            bracketed = before.BracketedPaste;
            (var failed, text) = await SendAsync(id, bracketed ? PasteStart + prompt + PasteEnd : prompt, cancellationToken);
            if (failed is not null)
            {
                return failed;
            }
        }

        await Task.Delay(EnterDelay, time, cancellationToken);
        using var follow = signals.Follow(id);
        var signal = follow.Signal;
        var version = signal.Version;
        RecordOutcome enter;
        using (await locks.AcquireAsync(id, cancellationToken))
        {
            if (Verify(id) is { } refused)
            {
                return refused;
            }

            (var failed, enter) = await SendAsync(id, "\r", cancellationToken);
            if (failed is not null)
            {
                return failed;
            }
        }

        var changed = await ScreenChangedAsync(id, before, signal, version, cancellationToken);
        var response = new SubmitResponse { BracketedPaste = bracketed, ScreenChanged = changed };
        if ((text.StoreError ?? enter.StoreError) is { } storeError)
        {
            // Both writes were delivered; an input event the store refused is deferred (as for plain input).
            response = response with { Delivered = true, Recorded = false, StoreError = storeError, Spilled = (text.Recorded || text.Spilled) && (enter.Recorded || enter.Spilled) };
        }

        return ApiResult.Json(202, response, CovenJsonContext.Default.SubmitResponse);
    }

    private async Task<bool> ScreenChangedAsync(SessionId id, ScreenDto before, SessionSignal signal, long version, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        while (true)
        {
            if (store.Sessions.Get(id) is not { } session)
            {
                return false;
            }

            var read = await screens.ReadAsync(session, ansi: false, cancellationToken);
            if (read.Screen is { } now && !now.Lines.SequenceEqual(before.Lines))
            {
                return true;
            }

            var remaining = ChangeWait - time.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero || ScreenReader.HasEnded(session.Status))
            {
                return false;
            }

            await signal.WaitAsync(version, remaining, time, cancellationToken);
            version = signal.Version;
        }
    }

    private ApiResult? Verify(SessionId id)
    {
        if (store.Sessions.Get(id) is not { } session)
        {
            return ApiErrors.SessionNotFound(id.Value);
        }

        if (!SessionLifecycle.Decide(session.Status, SessionTrigger.Input, session.ArchivedFrom).Permitted || monitors.FindLive(id) is null)
        {
            return ApiErrors.NotVerified(session, monitors.RefusalOf(id), $"the session is {WireNames.Of(session.Status)}, not live.");
        }

        return null;
    }

    /// <summary>Writes to the PTY through the lane and records the <c>input</c> event (or defers it); the error when not delivered.</summary>
    private async Task<(ApiResult? Failed, RecordOutcome Outcome)> SendAsync(SessionId id, string data, CancellationToken cancellationToken)
    {
        var monitor = monitors.FindLive(id);
        var reply = monitor is null
            ? Lanes.LaneReply.NoAnswer("the lane is gone")
            : await monitor.Client.RequestAsync("input", w => w.WriteString("data", data), s_laneTimeout, cancellationToken);
        if (!reply.Ok)
        {
            var session = store.Sessions.Get(id);
            return (session is null
                ? ApiErrors.SessionNotFound(id.Value)
                : ApiErrors.NotLive(session, $"the lane refused the input ({reply.ErrorCode}): {reply.ErrorMessage}"), default);
        }

        var outcome = deferred.Record(id, EventKinds.Input, InputPayload(data));
        signals.Pulse(id);
        return (null, outcome);
    }

    /// <summary><c>{"data": ...}</c>, the payload of an <c>input</c> event.</summary>
    private static string InputPayload(string data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length + 16);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("data", data);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
