using System.Text;

namespace Coven.Daemon.Tests;

/// <summary>Reads a text/event-stream response into (id, event, data) records until the server ends it.</summary>
public static class SseReader
{
    public sealed record SseEvent(long Id, string Event, string Data);

    public static async Task<List<SseEvent>> ReadAllAsync(HttpClient client, string path, TimeSpan timeout, Action<SseEvent>? onEvent = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var events = new List<SseEvent>();
        long id = 0;
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    var e = new SseEvent(id, name, data.ToString());
                    events.Add(e);
                    onEvent?.Invoke(e);
                }

                name = null;
                data.Clear();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..]);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return events;
    }
}
