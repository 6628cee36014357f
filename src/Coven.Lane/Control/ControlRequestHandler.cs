using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Lane.Output;
using Coven.Pty;

namespace Coven.Lane.Control;

/// <summary>
/// The operations of the control protocol (docs/lane-protocol.md). Every failure a client can cause is an error
/// reply; nothing a client sends can stop the lane or signal anything but the harness process group.
/// </summary>
internal sealed class ControlRequestHandler
{
    private const int MaxInputBytes = 64 * 1024;
    private const int MaxDimension = 1000;
    private const int MaxGraceMs = 600_000;
    private const int MaxAnsiChars = 300_000;

    private static readonly string[] s_allowedSignals = ["INT", "TERM", "HUP", "KILL", "QUIT", "USR1", "USR2", "WINCH", "CONT", "STOP"];

    private readonly LaneState _state;
    private readonly PtyProcess _pty;
    private readonly TerminalState _terminal;
    private readonly InputWriter _input;
    private readonly NotificationHub _hub;
    private readonly LaneLog _log;
    private readonly CancellationToken _laneStopping;
    private readonly ActivityMonitor? _activity;

    public ControlRequestHandler(LaneState state, PtyProcess pty, TerminalState terminal, InputWriter input, NotificationHub hub, LaneLog log, CancellationToken laneStopping, ActivityMonitor? activity = null)
    {
        _activity = activity;
        _state = state;
        _pty = pty;
        _terminal = terminal;
        _input = input;
        _hub = hub;
        _log = log;
        _laneStopping = laneStopping;
    }

    public async Task HandleAsync(ControlConnection connection, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            await connection.SendAsync(ControlFrame.Error(null, ControlErrors.Malformed, "the frame is not valid JSON: " + ex.Message), cancellationToken);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await connection.SendAsync(ControlFrame.Error(null, ControlErrors.Malformed, "a request is a JSON object"), cancellationToken);
                return;
            }

            long? id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt64(out var idValue)
                ? idValue
                : null;
            if (id is null)
            {
                await connection.SendAsync(ControlFrame.Error(null, ControlErrors.BadArgs, "\"id\" (an integer) is required"), cancellationToken);
                return;
            }

            if (!root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                await connection.SendAsync(ControlFrame.Error(id, ControlErrors.BadArgs, "\"v\" (the protocol version) is required"), cancellationToken);
                return;
            }

            if (!version.TryGetInt32(out var v) || v != ControlFrame.ProtocolVersion)
            {
                // Its own protocol and product version, so a daemon of another version can say which lane it cannot drive.
                await connection.SendAsync(
                    ControlFrame.Error(id, ControlErrors.UnsupportedVersion, $"this lane speaks protocol {ControlFrame.ProtocolVersion}", w =>
                    {
                        w.WriteNumber("protocol", ControlFrame.ProtocolVersion);
                        w.WriteString("version", Core.ProductVersion.Number);
                    }),
                    cancellationToken);
                return;
            }

            if (!root.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                await connection.SendAsync(ControlFrame.Error(id, ControlErrors.BadArgs, "\"op\" (a string) is required"), cancellationToken);
                return;
            }

            var op = opElement.GetString();
            byte[] reply;
            try
            {
                switch (op)
                {
                    case "subscribe":
                        await SubscribeAsync(connection, id, cancellationToken);
                        return;
                    case "input":
                        reply = await InputAsync(id, root, cancellationToken);
                        break;
                    default:
                        reply = op switch
                        {
                            "hello" => Hello(id, root),
                            "status" => Status(id),
                            "resize" => Resize(id, root),
                            "signal" => Signal(id, root),
                            "kill" => Kill(id, root),
                            "screen" => Screen(id, root),
                            "activity" => Activity(id, root),
                            _ => ControlFrame.Error(id, ControlErrors.UnknownOp, $"unknown op '{op}'"),
                        };
                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.Error($"op {op} failed", ex);
                reply = ControlFrame.Error(id, ControlErrors.Internal, "the lane failed to handle the request; see its log");
            }

            await connection.SendAsync(reply, cancellationToken);
        }
    }

    private byte[] Hello(long? id, JsonElement root)
    {
        if (!TryGetString(root, "sessionId", out var sessionId))
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, "\"sessionId\" (a string) is required");
        }

        if (!Core.SessionId.TryParse(sessionId, out var session) || session != _state.Session)
        {
            return ControlFrame.Error(id, ControlErrors.WrongSession, $"this lane serves session {_state.Session}, not {sessionId}");
        }

        return ControlFrame.Ok(id, w =>
        {
            w.WriteNumber("protocol", ControlFrame.ProtocolVersion);
            w.WriteString("sessionId", _state.Session.Value);
            w.WriteNumber("lanePid", _state.Lane.Pid);
            w.WriteNumber("laneStartTime", _state.Lane.StartTime);

            // The store schemas this lane can write: the daemon does not migrate past schemaMax under it.
            w.WriteNumber("schemaMin", Store.CovenStore.LaneOldestSchemaVersion);
            w.WriteNumber("schemaMax", Store.CovenStore.LatestSchemaVersion);

            // The product version of this lane's build: after an upgrade, lanes of the previous version keep running.
            w.WriteString("version", Core.ProductVersion.Number);
        });
    }

    private byte[] Status(long? id)
    {
        var exit = _state.Exit;
        return ControlFrame.Ok(id, w =>
        {
            w.WriteString("sessionId", _state.Session.Value);
            w.WriteNumber("lanePid", _state.Lane.Pid);
            w.WriteNumber("laneStartTime", _state.Lane.StartTime);
            w.WriteNumber("harnessPid", _state.Harness.Pid);
            w.WriteNumber("harnessStartTime", _state.Harness.StartTime);
            w.WriteNumber("cols", _pty.Columns);
            w.WriteNumber("rows", _pty.Rows);
            w.WriteNumber("lastSeq", _state.LastSeq);
            w.WriteBoolean("exited", exit is not null);
            ControlFrame.WriteNullable(w, "exitCode", exit?.Code);
            w.WriteString("signal", exit?.SignalName);
        });
    }

    private async Task<byte[]> InputAsync(long? id, JsonElement root, CancellationToken cancellationToken)
    {
        byte[] data;
        if (TryGetString(root, "data", out var text))
        {
            if (Encoding.UTF8.GetByteCount(text) > MaxInputBytes)
            {
                return ControlFrame.Error(id, ControlErrors.TooLarge, $"input is limited to {MaxInputBytes} bytes per request");
            }

            data = Encoding.UTF8.GetBytes(text);
        }
        else if (TryGetString(root, "dataBase64", out var base64))
        {
            try
            {
                data = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return ControlFrame.Error(id, ControlErrors.BadArgs, "\"dataBase64\" is not valid base64");
            }

            if (data.Length > MaxInputBytes)
            {
                return ControlFrame.Error(id, ControlErrors.TooLarge, $"input is limited to {MaxInputBytes} bytes per request");
            }
        }
        else
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, "\"data\" or \"dataBase64\" (a string) is required");
        }

        if (_state.Exit is not null || _pty.Exited.IsCompleted)
        {
            return ControlFrame.Error(id, ControlErrors.NotRunning, "the harness has exited");
        }

        if (data.Length > 0 && !await _input.WriteAsync(data, cancellationToken))
        {
            return ControlFrame.Error(id, ControlErrors.NotRunning, "the terminal is closed");
        }

        _activity?.InputArrived();

        return ControlFrame.Ok(id, w => w.WriteNumber("bytes", data.Length));
    }

    private byte[] Resize(long? id, JsonElement root)
    {
        if (!TryGetInt(root, "cols", out var cols) || !TryGetInt(root, "rows", out var rows)
            || cols is < 1 or > MaxDimension || rows is < 1 or > MaxDimension)
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, $"\"cols\" and \"rows\" must be integers in 1..{MaxDimension}");
        }

        if (!_terminal.Resize(_pty, cols, rows))
        {
            return ControlFrame.Error(id, ControlErrors.NotRunning, "the terminal is closed");
        }

        return ControlFrame.Ok(id, w =>
        {
            w.WriteNumber("cols", cols);
            w.WriteNumber("rows", rows);
        });
    }

    private byte[] Signal(long? id, JsonElement root)
    {
        if (!TryGetSignal(root, "signal", null, out var signal, out var error))
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, error);
        }

        if (!_pty.SignalGroup(signal))
        {
            return ControlFrame.Error(id, ControlErrors.NotRunning, "no process of the harness group remains");
        }

        return ControlFrame.Ok(id, w => w.WriteString("signal", Signals.Name(signal)));
    }

    private byte[] Kill(long? id, JsonElement root)
    {
        if (!TryGetSignal(root, "signal", "TERM", out var signal, out var error))
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, error);
        }

        var graceMs = 3000;
        if (root.TryGetProperty("graceMs", out var graceElement)
            && (graceElement.ValueKind != JsonValueKind.Number || !graceElement.TryGetInt32(out graceMs) || graceMs is < 0 or > MaxGraceMs))
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, $"\"graceMs\" must be an integer in 0..{MaxGraceMs}");
        }

        _log.Info($"kill requested: {Signals.Name(signal)}, grace {graceMs} ms");
        _ = KillInBackgroundAsync(signal, TimeSpan.FromMilliseconds(graceMs), _laneStopping);
        return ControlFrame.Ok(id, w =>
        {
            w.WriteString("signal", Signals.Name(signal));
            w.WriteNumber("graceMs", graceMs);
        });
    }

    private byte[] Screen(long? id, JsonElement root)
    {
        var ansi = root.TryGetProperty("ansi", out var ansiElement) && ansiElement.ValueKind == JsonValueKind.True;
        var (snapshot, modes, ansiText) = _terminal.Capture(ansi);

        // A reply must fit in one frame (1 MiB) or the daemon drops the connection; a huge, colourful screen
        // loses its ANSI form rather than the lane its monitor (an ESC is 6 bytes once JSON-escaped).
        if (ansiText is { Length: > MaxAnsiChars })
        {
            ansiText = null;
        }
        return ControlFrame.Ok(id, w =>
        {
            w.WriteStartObject("screen");
            w.WriteNumber("cols", snapshot.Columns);
            w.WriteNumber("rows", snapshot.Rows);
            w.WriteStartObject("cursor");
            w.WriteNumber("row", snapshot.CursorRow);
            w.WriteNumber("col", snapshot.CursorColumn);
            w.WriteBoolean("visible", snapshot.CursorVisible);
            w.WriteEndObject();
            w.WriteBoolean("altScreen", snapshot.AltScreen);
            w.WriteString("title", snapshot.Title);
            w.WriteStartArray("lines");
            foreach (var line in snapshot.Lines)
            {
                w.WriteStringValue(line);
            }

            w.WriteEndArray();
            w.WriteBoolean("bracketedPaste", modes.BracketedPaste);
            w.WritePropertyName("modes");
            JsonSerializer.Serialize(w, modes, Core.RecordJsonContext.Default.TerminalModes);
            if (ansiText is not null)
            {
                w.WriteString("ansi", ansiText);
            }

            w.WriteEndObject();
        });
    }

    private async Task SubscribeAsync(ControlConnection connection, long? id, CancellationToken cancellationToken)
    {
        // Subscribe first, then reply and look at the exit state: an exit committed in between is seen by
        // one of the two paths, and PostExited sends it at most once.
        _hub.Add(connection);
        await connection.SendAsync(ControlFrame.Ok(id, w => w.WriteNumber("lastSeq", _state.LastSeq)), cancellationToken);
        if (_state.Exit is { } exit)
        {
            connection.PostExited(ControlFrame.Exited(exit.Code, exit.SignalName, _state.ExitSeq));
        }
    }

    // Runs past the reply: the escalation must not depend on the requesting connection staying open.
    private async Task KillInBackgroundAsync(int signal, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await _pty.KillAsync(signal, grace, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _log.Error("kill failed", ex);
        }
    }

    private static bool TryGetSignal(JsonElement root, string name, string? defaultName, out int signal, out string error)
    {
        signal = 0;
        error = $"\"{name}\" must be one of {string.Join(' ', s_allowedSignals)}";
        string? text;
        if (root.TryGetProperty(name, out var element))
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            text = element.GetString();
        }
        else
        {
            text = defaultName;
        }

        if (text is null)
        {
            return false;
        }

        var bare = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        return s_allowedSignals.Contains(bare.ToUpperInvariant()) && Signals.TryParse(bare, out signal);
    }

    /// <summary>A native activity report (a harness hook via <c>coven-lane hook</c>, docs/attention.md).</summary>
    private byte[] Activity(long? id, JsonElement root)
    {
        const int MaxReason = 200;
        if (!TryGetString(root, "activity", out var activity) || activity is not (SessionActivity.Working or SessionActivity.Waiting or SessionActivity.Idle))
        {
            return ControlFrame.Error(id, ControlErrors.BadArgs, "\"activity\" must be one of working, waiting, idle");
        }

        string? reason = null;
        if (root.TryGetProperty("reason", out var reasonElement) && reasonElement.ValueKind != JsonValueKind.Null)
        {
            if (reasonElement.ValueKind != JsonValueKind.String || reasonElement.GetString() is not { Length: > 0 and <= MaxReason } text || text.Any(char.IsControl))
            {
                return ControlFrame.Error(id, ControlErrors.BadArgs, $"\"reason\" must be a string of 1..{MaxReason} printable characters");
            }

            reason = text;
        }

        if (_activity is null || _state.Exit is not null)
        {
            return ControlFrame.Error(id, ControlErrors.NotRunning, "the harness is not running");
        }

        var seq = _activity.Report(activity, reason ?? "hook");
        return ControlFrame.Ok(id, w =>
        {
            w.WriteString("activity", activity);
            w.WriteNumber("seq", seq);
        });
    }

    private static bool TryGetString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString() ?? string.Empty;
            return true;
        }

        return false;
    }

    private static bool TryGetInt(JsonElement root, string name, out int value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }
}
