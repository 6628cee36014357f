using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Coven.Cli.Output;

/// <summary>The <c>--json</c> output: indented UTF-8, source-generated metadata only (NativeAOT).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true };
    private static readonly System.Buffers.SearchValues<byte> s_endOfValue = System.Buffers.SearchValues.Create(" \t\n\r,:{}[]\""u8);

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

    /// <summary>
    /// <c>{"NAME": [records...]}</c> with the daemon's records copied as they came (re-indented, strings as the daemon
    /// escaped them), the same document <see cref="Write(TextWriter, Action{Utf8JsonWriter})"/> gives with
    /// <c>record.WriteTo</c> but without a writer that re-escapes every string: building its encoder's tables and
    /// re-encoding were a third of <c>coven sessions --json</c>'s instructions (docs/benchmarks-cli.md).
    /// </summary>
    public static void WriteRecords(TextWriter writer, string name, IReadOnlyList<JsonElement> records)
    {
        var output = new ArrayBufferWriter<byte>(4096 + (records.Count * 1024));
        output.Write("{\n  \""u8);
        output.Write(Encoding.UTF8.GetBytes(name));
        if (records.Count == 0)
        {
            output.Write("\": []\n}"u8);
        }
        else
        {
            output.Write("\": [\n"u8);
            for (var i = 0; i < records.Count; i++)
            {
                Indent(output, 2);
                Reindent(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(records[i]), 2, output);
                output.Write(i + 1 < records.Count ? ",\n"u8 : "\n"u8);
            }

            output.Write("  ]\n}"u8);
        }

        writer.WriteLine(Encoding.UTF8.GetString(output.WrittenSpan));
    }

    /// <summary>
    /// Valid JSON re-indented as <see cref="Utf8JsonWriter"/> indents (two spaces a level, <c>"name": value</c>, empty
    /// containers as <c>{}</c> and <c>[]</c>), starting at <paramref name="depth"/>; strings and numbers copied byte for byte.
    /// </summary>
    internal static void Reindent(ReadOnlySpan<byte> json, int depth, ArrayBufferWriter<byte> output)
    {
        var i = 0;
        while (i < json.Length)
        {
            var b = json[i];
            switch (b)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r':
                    i++;
                    break;
                case (byte)'"':
                    var end = EndOfString(json, i);
                    output.Write(json[i..end]);
                    i = end;
                    break;
                case (byte)'{' or (byte)'[':
                    var next = SkipWhitespace(json, i + 1);
                    if (next < json.Length && json[next] == (b == (byte)'{' ? (byte)'}' : (byte)']'))
                    {
                        output.Write(b == (byte)'{' ? "{}"u8 : "[]"u8);
                        i = next + 1;
                        break;
                    }

                    output.Write(json.Slice(i, 1));
                    NewLine(output, ++depth);
                    i++;
                    break;
                case (byte)'}' or (byte)']':
                    NewLine(output, --depth);
                    output.Write(json.Slice(i, 1));
                    i++;
                    break;
                case (byte)',':
                    output.Write(","u8);
                    NewLine(output, depth);
                    i++;
                    break;
                case (byte)':':
                    output.Write(": "u8);
                    i++;
                    break;
                default:
                    // A number or a literal: up to the next structural character or whitespace.
                    var stop = json[i..].IndexOfAny(s_endOfValue);
                    stop = stop < 0 ? json.Length : i + stop;
                    output.Write(json[i..stop]);
                    i = stop;
                    break;
            }
        }
    }

    /// <summary>The index just after the closing quote of the string that starts at <paramref name="start"/>.</summary>
    private static int EndOfString(ReadOnlySpan<byte> json, int start)
    {
        var i = start + 1;
        while (i < json.Length)
        {
            var special = json[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                return json.Length;
            }

            i += special;
            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            i += 2;
        }

        return json.Length;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    private static void NewLine(ArrayBufferWriter<byte> output, int depth)
    {
        output.Write("\n"u8);
        Indent(output, depth);
    }

    private static void Indent(ArrayBufferWriter<byte> output, int depth)
    {
        var span = output.GetSpan(depth * 2)[..(depth * 2)];
        span.Fill((byte)' ');
        output.Advance(depth * 2);
    }

    /// <summary>
    /// Re-indents a JSON document received from the daemon (e.g. an action's answer), strings as the daemon escaped them
    /// (<see cref="Reindent"/>); what is not JSON is printed as it came.
    /// </summary>
    public static void WriteRaw(TextWriter writer, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        try
        {
            var reader = new Utf8JsonReader(bytes);
            while (reader.Read())
            {
                // Checked whole before anything is written (Reindent trusts its input).
            }
        }
        catch (JsonException)
        {
            writer.WriteLine(json);
            return;
        }

        var output = new ArrayBufferWriter<byte>(bytes.Length + 256);
        Reindent(bytes, 0, output);
        writer.WriteLine(Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
