using System.Text;

namespace Coven.Daemon.Tests;

/// <summary>Reads a text/event-stream response into (id, event, data) records until the server ends it (or the reader stops).</summary>
public static class SseReader
{
    public sealed record SseEvent(long Id, string Event, string Data);

    public static async Task<List<SseEvent>> ReadAllAsync(HttpClient client, string path, TimeSpan timeout, Action<SseEvent>? onEvent = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var stream = await OpenAsync(client, path, cts.Token);
        return await stream.ReadUntilAsync(
            e =>
            {
                onEvent?.Invoke(e);
                return false;
            },
            cts.Token);
    }

    /// <summary>Sends the request and returns once the answer's headers arrived (the server has started the stream).</summary>
    public static async Task<SseFollower> OpenAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseFollower(response, new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8));
    }

    public sealed class SseFollower(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        /// <summary>The events up to (and with) the first for which <paramref name="stop"/> is true, or up to the stream's end.</summary>
        public async Task<List<SseEvent>> ReadUntilAsync(Func<SseEvent, bool> stop, CancellationToken ct)
        {
            var events = new List<SseEvent>();
            long id = 0;
            string? name = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null)
                    {
                        var e = new SseEvent(id, name, data.ToString());
                        events.Add(e);
                        if (stop(e))
                        {
                            return events;
                        }
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

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
