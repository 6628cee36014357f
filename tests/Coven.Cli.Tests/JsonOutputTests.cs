using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coven.Cli.Output;

namespace Coven.Cli.Tests;

/// <summary>The <c>--json</c> passthroughs (records, raw answers) against System.Text.Json's own indented writer.</summary>
public sealed class JsonOutputTests
{
    public static TheoryData<string> Documents =>
    [
        """{"id":"a","n":-1.5e3,"t":true,"f":false,"z":null,"e":[],"o":{},"s":"q\"uo\\te \u0001 \\\" ,:{}[] ","nested":{"a":[1,[2,[]],{"b":{}}],"c":"x"}}""",
        """{"title":"修复测试 <&>","allowedActions":["session.kill","session.input"]}""",
        """{ "spaced" : [ 1 , 2 ] , "empty" : { } }""",
        """{}""",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void WriteRecords_IsWhatTheIndentedWriterGives_ForTheDaemonsEscaping(string record)
    {
        // The daemon escapes with the relaxed encoder; the writer used for the comparison keeps that escaping.
        using var doc = JsonDocument.Parse($"[{record},{record}]");
        var records = doc.RootElement.EnumerateArray().ToList();
        var expected = new StringWriter { NewLine = "\n" };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("sessions");
            foreach (var r in records)
            {
                r.WriteTo(w);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        expected.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        var actual = new StringWriter { NewLine = "\n" };
        JsonOutput.WriteRecords(actual, "sessions", records);

        Assert.Equal(expected.ToString(), actual.ToString());
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void WriteRaw_IsWhatTheIndentedWriterGives_ForTheDaemonsEscaping(string document)
    {
        using var doc = JsonDocument.Parse(document);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            doc.WriteTo(w);
        }

        var actual = new StringWriter { NewLine = "\n" };
        JsonOutput.WriteRaw(actual, document);

        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n", actual.ToString());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":")]
    public void WriteRaw_NotJson_IsPrintedAsItCame(string text)
    {
        var actual = new StringWriter { NewLine = "\n" };
        JsonOutput.WriteRaw(actual, text);
        Assert.Equal(text + "\n", actual.ToString());
    }

    [Fact]
    public void WriteRecords_CopiesStringsAsTheDaemonWroteThem()
    {
        // The writer would re-escape the emoji (\uD83D\uDE80); the passthrough keeps the daemon's bytes.
        using var doc = JsonDocument.Parse("""{"title":"ship it 🚀","escaped":"\u00e9\n"}""");
        var actual = new StringWriter { NewLine = "\n" };
        JsonOutput.WriteRecords(actual, "sessions", [doc.RootElement]);

        Assert.Contains("\"title\": \"ship it 🚀\"", actual.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"escaped\": \"\\u00e9\\n\"", actual.ToString(), StringComparison.Ordinal);
        var back = JsonDocument.Parse(actual.ToString()).RootElement.GetProperty("sessions")[0];
        Assert.Equal("ship it 🚀", back.GetProperty("title").GetString());
        Assert.Equal("é\n", back.GetProperty("escaped").GetString());
    }

    [Fact]
    public void WriteRecords_NoRecords_IsAnEmptyArray()
    {
        var actual = new StringWriter { NewLine = "\n" };
        JsonOutput.WriteRecords(actual, "sessions", []);
        Assert.Equal("{\n  \"sessions\": []\n}\n", actual.ToString());
        Assert.Equal(0, JsonDocument.Parse(actual.ToString()).RootElement.GetProperty("sessions").GetArrayLength());
    }
}
