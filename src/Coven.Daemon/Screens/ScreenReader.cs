using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Supervision;
using Coven.Store;
using Coven.Terminal;

namespace Coven.Daemon.Screens;

/// <summary>
/// Where a session's screen comes from: the lane's screen model while the session is live, the recorded output
/// replayed through the terminal model once it has ended. A pending session (or a live one whose lane is not
/// verified) has no screen: <c>session_not_live</c>.
/// </summary>
internal sealed class ScreenReader(CovenStore store, LaneMonitors monitors)
{
    private static readonly TimeSpan s_laneTimeout = TimeSpan.FromSeconds(5);

    public static bool HasEnded(SessionStatus status) => status is not (SessionStatus.Pending or SessionStatus.Live);

    public async Task<ScreenRead> ReadAsync(SessionRecord session, bool ansi, CancellationToken cancellationToken)
    {
        if (HasEnded(session.Status))
        {
            return new ScreenRead(RecordedScreen.Render(store, session, ansi), null);
        }

        if (session.Status != SessionStatus.Live || monitors.FindLive(session.Id) is not { } monitor)
        {
            return new ScreenRead(null, ApiErrors.NotVerified(session, monitors.RefusalOf(session.Id), "the session has not started yet; its screen is not available."));
        }

        var reply = await monitor.Client.RequestAsync("screen", ansi ? w => w.WriteBoolean("ansi", true) : null, s_laneTimeout, cancellationToken);
        if (!reply.Ok)
        {
            if (reply.ErrorCode is "unknown_op")
            {
                monitors.MarkScreenUnsupported();
            }

            return new ScreenRead(null, ApiErrors.LaneRefused(session, reply));
        }

        var screen = reply.Body.TryGetProperty("screen", out var s) ? s : reply.Body;
        return new ScreenRead(FromLane(screen), null);
    }

    /// <summary>The screen's rows as one text (rows joined by <c>\n</c>), what <c>wait --for</c> matches against.</summary>
    public static string Text(ScreenDto screen) => string.Join('\n', screen.Lines);

    private static ScreenDto FromLane(JsonElement s)
    {
        var cursor = s.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var lines = new List<string>();
        if (s.TryGetProperty("lines", out var l) && l.ValueKind == JsonValueKind.Array)
        {
            foreach (var line in l.EnumerateArray())
            {
                lines.Add(line.ValueKind == JsonValueKind.String ? line.GetString()! : line.ToString());
            }
        }

        return new ScreenDto
        {
            Cols = Int(s, "cols"),
            Rows = Int(s, "rows"),
            Cursor = new ScreenCursorDto(Int(cursor, "row"), Int(cursor, "col"), IsTrue(cursor, "visible")),
            AltScreen = IsTrue(s, "altScreen"),
            Title = s.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty,
            Lines = lines,
            BracketedPaste = IsTrue(s, "bracketedPaste"),
            Ansi = s.TryGetProperty("ansi", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null,
            Modes = s.TryGetProperty("modes", out var m) && m.ValueKind == JsonValueKind.Object ? Modes(m) : null,
            Live = true,
        };
    }

    // A lane's modes that do not parse are left out rather than failing the screen.
    private static TerminalModes? Modes(JsonElement m)
    {
        try
        {
            return m.Deserialize(CovenJsonContext.Default.TerminalModes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsTrue(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static int Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) ? n : 0;
}
