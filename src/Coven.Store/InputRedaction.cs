using System.Buffers;
using System.Text;
using System.Text.Json;
using Coven.Core.Redaction;

namespace Coven.Store;

/// <summary>
/// Redacts the payload of an <c>input</c> event (<c>{"data": …}</c> or <c>{"dataBase64": …}</c>) before it is stored.
/// In the store, not in the request handlers, so every writer of input events (input, submit) goes through it.
/// Each input is redacted as a whole: a secret typed key by key arrives as one-character events and is caught in
/// the echoed output, not here (docs/redaction.md).
/// </summary>
internal static class InputRedaction
{
    private static readonly JsonWriterOptions s_writer = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static NewEvent Apply(RedactionRules rules, NewEvent e)
    {
        if (e.Kind != EventKinds.Input || e.Payload is not string json)
        {
            return e;
        }

        string? field = null;
        byte[]? data = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var text) && text.ValueKind == JsonValueKind.String)
            {
                field = "data";
                data = Encoding.UTF8.GetBytes(text.GetString()!);
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("dataBase64", out var b64) && b64.ValueKind == JsonValueKind.String
                && b64.TryGetBytesFromBase64(out var bytes))
            {
                field = "dataBase64";
                data = bytes;
            }
        }
        catch (JsonException)
        {
        }

        if (field is null || data is null)
        {
            // Not the shape the daemon writes: redact the document text itself.
            return new NewEvent(e.Kind, rules.Redact(json));
        }

        var redacted = new ArrayBufferWriter<byte>(data.Length + 32);
        if (!rules.Redact(data, redacted))
        {
            return e;
        }

        var buffer = new ArrayBufferWriter<byte>(redacted.WrittenCount + 32);
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            w.WriteStartObject();
            if (field == "data")
            {
                w.WriteString("data", Encoding.UTF8.GetString(redacted.WrittenSpan));
            }
            else
            {
                w.WriteBase64String("dataBase64", redacted.WrittenSpan);
            }

            w.WriteEndObject();
        }

        return new NewEvent(e.Kind, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
