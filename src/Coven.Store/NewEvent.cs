namespace Coven.Store;

/// <summary>
/// An event to append: its kind and its payload as a JSON document, given either as a string or as UTF-8 bytes.
/// The bytes form is the lane's output path: the payload goes into SQLite as it is, without a round trip
/// through UTF-16 (docs/benchmarks-lane.md).
/// </summary>
public readonly struct NewEvent
{
    public NewEvent(string kind, string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        Kind = kind;
        Payload = payloadJson;
    }

    /// <param name="payloadUtf8Json">A JSON document in UTF-8 without NUL bytes (JSON escapes them).</param>
    public NewEvent(string kind, byte[] payloadUtf8Json)
    {
        ArgumentNullException.ThrowIfNull(payloadUtf8Json);
        Kind = kind;
        Payload = payloadUtf8Json;
    }

    public string Kind { get; }

    /// <summary>The payload: a <see cref="string"/> or a <see cref="byte"/> array of UTF-8 text.</summary>
    internal object Payload { get; }

    /// <summary>The payload as text (decoded when it was given as bytes).</summary>
    public string PayloadJson => Payload as string ?? System.Text.Encoding.UTF8.GetString((byte[])Payload);
}
