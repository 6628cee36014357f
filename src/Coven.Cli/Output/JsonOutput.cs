using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Coven.Cli.Output;

/// <summary>The <c>--json</c> output: indented UTF-8, source-generated metadata only (NativeAOT).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true };

    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo) =>
        Write(writer, w => JsonSerializer.Serialize(w, value, typeInfo));

    /// <summary>Writes a document built by hand (for shapes that are the CLI's own, e.g. doctor's report).</summary>
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> build)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, s_options))
        {
            build(w);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>Re-indents a JSON document received from the daemon (e.g. an action's answer).</summary>
    public static void WriteRaw(TextWriter writer, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            Write(writer, w => doc.WriteTo(w));
        }
        catch (JsonException)
        {
            writer.WriteLine(json);
        }
    }
}
