using System.Text.Json;
using Coven.Core;

namespace Coven.Lane.Control;

/// <summary>
/// The lane's replies and notifications of the control protocol (docs/lane-protocol.md), framed by the one codec
/// both ends share (<see cref="LaneFrame"/>).
/// </summary>
internal static class ControlFrame
{
    public static int ProtocolVersion => LaneFrame.ProtocolVersion;

    public static byte[] Ok(long? id, Action<Utf8JsonWriter>? body = null) => LaneFrame.Build(w =>
    {
        WriteId(w, id);
        w.WriteBoolean("ok", true);
        body?.Invoke(w);
    });

    public static byte[] Error(long? id, string code, string message, Action<Utf8JsonWriter>? details = null) => LaneFrame.Build(w =>
    {
        WriteId(w, id);
        w.WriteBoolean("ok", false);
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        details?.Invoke(w);
        w.WriteEndObject();
    });

    public static byte[] Appended(long seq) => LaneFrame.Build(w =>
    {
        w.WriteString("event", "appended");
        w.WriteNumber("seq", seq);
    });

    public static byte[] Exited(int? exitCode, string? signal, long seq) => LaneFrame.Build(w =>
    {
        w.WriteString("event", "exited");
        WriteNullable(w, "exitCode", exitCode);
        w.WriteString("signal", signal);
        w.WriteNumber("seq", seq);
    });

    public static void WriteNullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is int v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteId(Utf8JsonWriter w, long? id)
    {
        if (id is long v)
        {
            w.WriteNumber("id", v);
        }
        else
        {
            w.WriteNull("id");
        }
    }
}
