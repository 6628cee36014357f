using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Api;

/// <summary>Reading event payloads (a JSON document encoded as a string) and paging through a session's events.</summary>
internal static class EventPayloads
{
    /// <summary>The exact bytes of an output event (<c>data</c> as UTF-8, or <c>dataBase64</c> decoded).</summary>
    public static byte[] OutputBytes(EventDto evt) => OutputPayload.Bytes(evt.PayloadJson) ?? [];

    /// <summary>Readable text of an output event (invalid UTF-8 in base64 payloads becomes U+FFFD).</summary>
    public static string OutputText(EventDto evt)
    {
        try
        {
            var payload = JsonSerializer.Deserialize(evt.PayloadJson, CovenJsonContext.Default.OutputPayload);
            if (payload?.Data is { } data)
            {
                return data;
            }
        }
        catch (JsonException)
        {
            return string.Empty;
        }

        return Encoding.UTF8.GetString(OutputBytes(evt));
    }

    /// <summary>Pages through stored events after <paramref name="afterSeq"/>, calling <paramref name="onEvent"/> for each; returns the last seq seen.</summary>
    public static async Task<long> ReadAllAsync(CovenClient client, string sessionId, long afterSeq, string? kind, Action<EventDto> onEvent, CancellationToken ct)
    {
        var seq = afterSeq;
        while (true)
        {
            var url = $"api/v1/sessions/{sessionId}/events?afterSeq={seq}&limit=1000{(kind is null ? string.Empty : "&kind=" + kind)}";
            var page = await client.GetAsync(url, CovenJsonContext.Default.EventPage, ct);
            foreach (var e in page.Events)
            {
                onEvent(e);
                seq = Math.Max(seq, e.Seq);
            }

            var next = page.NextCursor?.AfterSeq;
            if (!page.HasMore || page.Events.Count == 0 || next is null || next <= afterSeq)
            {
                return seq;
            }

            seq = Math.Max(seq, next.Value);
        }
    }
}
