using System.Text;
using System.Text.Json;
using Coven.Lane.Output;
using Coven.Store;

namespace Coven.Lane.Tests;

/// <summary>The recorder's hand-written payload encoding: every byte sequence must come back exactly.</summary>
public sealed class OutputEncoderTests
{
    [Fact]
    public void TextPayload_RoundTripsEveryAsciiByteAndMultiByteText()
    {
        var text = new string([.. Enumerable.Range(0, 0x80).Select(c => (char)c)]) + "é€中😀\"\\\r\n\u2028";
        var payload = new OutputEncoder().Payload(Encoding.UTF8.GetBytes(text), text: true);

        using var doc = JsonDocument.Parse(payload);
        Assert.Equal(text, doc.RootElement.GetProperty("data").GetString());
        Assert.Single(doc.RootElement.EnumerateObject());
        Assert.DoesNotContain((byte)0, payload);
        Assert.Contains("\\u001B", Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void TextPayload_KeepsUtf8Readable()
    {
        var payload = new OutputEncoder().Payload(Encoding.UTF8.GetBytes("naïve ✓"), text: true);

        Assert.Equal("{\"data\":\"naïve ✓\"}", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public void BinaryPayload_IsBase64OfTheBytes()
    {
        byte[] bytes = [0xFF, 0x00, 0xC3, 0x28, 0x1B];
        var payload = new OutputEncoder().Payload(bytes, text: false);

        using var doc = JsonDocument.Parse(payload);
        Assert.Equal(bytes, doc.RootElement.GetProperty("dataBase64").GetBytesFromBase64());
    }

    [Fact]
    public void Drain_RandomOutput_DecodesToTheSameBytes()
    {
        var random = new Random(1234);
        var encoder = new OutputEncoder();
        var events = new List<NewEvent>();
        var all = new MemoryStream();
        for (var i = 0; i < 200; i++)
        {
            // Mostly text with controls and quotes, sometimes invalid bytes; chunk edges anywhere.
            var chunk = new byte[random.Next(1, 3000)];
            random.NextBytes(chunk);
            if (random.Next(4) != 0)
            {
                var pool = Encoding.UTF8.GetBytes("ab\"\\\r\n\t\u001b[0mé中😀");
                for (var k = 0; k < chunk.Length; k++)
                {
                    chunk[k] = pool[chunk[k] % pool.Length];
                }
            }

            all.Write(chunk);
            encoder.Append(chunk);
            encoder.Drain(events, final: false);
        }

        encoder.Drain(events, final: true);
        var decoded = new MemoryStream();
        foreach (var e in events)
        {
            using var doc = JsonDocument.Parse(e.PayloadJson);
            var bytes = doc.RootElement.TryGetProperty("data", out var d) ? Encoding.UTF8.GetBytes(d.GetString()!) : doc.RootElement.GetProperty("dataBase64").GetBytesFromBase64();
            decoded.Write(bytes);
        }

        Assert.Equal(all.ToArray(), decoded.ToArray());
    }
}
