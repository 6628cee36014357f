using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Coven.Core;

/// <summary>
/// The framing of the lane control protocol (docs/lane-protocol.md), written once for both ends of the lane socket
/// (the lane's server, the daemon's client) and the tests: a 4-byte big-endian length, then that many bytes (1 to
/// <see cref="MaxPayloadBytes"/>) of one UTF-8 JSON object.
/// </summary>
public static class LaneFrame
{
    /// <summary>
    /// The lane protocol both ends speak. A property, not a const: a const is copied into every assembly that uses it,
    /// so only a rebuild of all of them would change it; this way the protocol lives in this one assembly (and
    /// tests/Coven.Cli.Tests/TwoBuildsFixture.cs builds a protocol-2 release by rebuilding only Coven.Core).
    /// </summary>
    public static int ProtocolVersion => 1;

    public const int HeaderBytes = 4;

    /// <summary>The largest payload either end accepts (1 MiB); a longer announced length ends the connection.</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>One frame: the header and the JSON object whose members <paramref name="body"/> writes.</summary>
    public static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Advance(HeaderBytes);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        var frame = buffer.WrittenSpan.ToArray();
        WriteHeader(frame, frame.Length - HeaderBytes);
        return frame;
    }

    /// <summary>Writes a header announcing <paramref name="length"/> bytes (any value: tests announce wrong ones on purpose).</summary>
    public static void WriteHeader(Span<byte> header, int length) => BinaryPrimitives.WriteInt32BigEndian(header, length);

    /// <summary>The payload length a header announces, unsigned: check it with <see cref="IsValidLength"/> before reading.</summary>
    public static uint ReadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32BigEndian(header);

    public static bool IsValidLength(uint length) => length is >= 1 and <= MaxPayloadBytes;
}
