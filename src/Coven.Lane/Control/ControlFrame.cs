using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Coven.Lane.Control;

/// <summary>
/// Frames of the lane control protocol (docs/lane-protocol.md): a 4-byte big-endian length, then that many bytes
/// of a UTF-8 JSON object.
/// </summary>
internal static class ControlFrame
{
    public const int ProtocolVersion = 1;
    public const int MaxPayloadBytes = 1024 * 1024;

    public static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Advance(4);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        var frame = buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        return frame;
    }

    public static byte[] Ok(long? id, Action<Utf8JsonWriter>? body = null) => Build(w =>
    {
        WriteId(w, id);
        w.WriteBoolean("ok", true);
        body?.Invoke(w);
    });

    public static byte[] Error(long? id, string code, string message) => Build(w =>
    {
        WriteId(w, id);
        w.WriteBoolean("ok", false);
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    });

    public static byte[] Appended(long seq) => Build(w =>
    {
        w.WriteString("event", "appended");
        w.WriteNumber("seq", seq);
    });

    public static byte[] Exited(int? exitCode, string? signal, long seq) => Build(w =>
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
