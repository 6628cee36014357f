using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Coven.Core;
using Coven.Daemon.Api;

namespace Coven.Daemon.Web;

/// <summary>
/// <c>GET /web/streams?s=ID:AFTERSEQ,...</c>: the event streams of several sessions as one server-sent event
/// stream. A browser keeps at most six HTTP/1.1 connections per origin, so one EventSource per terminal would
/// starve the page at the seventh (its list and input requests would queue behind the streams). Each part is
/// the daemon's own <c>GET /api/v1/sessions/{id}/stream</c> over the socket, merged here unchanged except for
/// the <c>id:</c> lines (seqs of different sessions interleave; the page resumes each session by its own seq).
/// After a session's final event comes <c>event: end</c> with <c>{"sessionId"}</c>; a session the daemon
/// refuses comes as <c>event: gone</c> with <c>{"sessionId", "status", "error"}</c>.
/// </summary>
internal static class WebStreams
{
    public const int MaxSessions = 64;

    public static async Task ServeAsync(HttpContext context, HttpClient socket)
    {
        var parts = new List<(string Id, long AfterSeq)>();
        foreach (var item in context.Request.Query["s"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var id = colon < 0 ? item : item[..colon];
            var after = 0L;
            if (!SessionId.TryParse(id, out _) || (colon >= 0 && !long.TryParse(item[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out after)))
            {
                await ApiErrors.InvalidRequest($"s must be a comma-separated list of SESSION-ID:AFTERSEQ; '{ApiErrors.Printable(item)}' is not one.").ExecuteAsync(context);
                return;
            }

            parts.Add((id, after));
        }

        if (parts.Count is 0 or > MaxSessions)
        {
            await ApiErrors.InvalidRequest($"s must name 1-{MaxSessions} sessions.").ExecuteAsync(context);
            return;
        }

        var ct = context.RequestAborted;
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(ct);

        var messages = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { SingleReader = true });
        var readers = parts.Select(p => ReadAsync(socket, p.Id, p.AfterSeq, messages.Writer, ct)).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(_ => messages.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            // Everything that is already there goes out in one write; a flush when the channel runs dry.
            var batch = new StringBuilder();
            while (await messages.Reader.WaitToReadAsync(ct))
            {
                while (messages.Reader.TryRead(out var message) && batch.Length < 256 * 1024)
                {
                    batch.Append(message);
                }

                await response.WriteAsync(batch.ToString(), Encoding.UTF8, ct);
                await response.Body.FlushAsync(ct);
                batch.Clear();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    private static async Task ReadAsync(HttpClient socket, string id, long afterSeq, ChannelWriter<string> output, CancellationToken ct)
    {
        try
        {
            using var answer = await socket.GetAsync($"api/v1/sessions/{id}/stream?afterSeq={afterSeq.ToString(CultureInfo.InvariantCulture)}", HttpCompletionOption.ResponseHeadersRead, ct);
            if (!answer.IsSuccessStatusCode)
            {
                var error = await answer.Content.ReadAsStringAsync(ct);
                await output.WriteAsync($"event: gone\ndata: {{\"sessionId\":\"{id}\",\"status\":{(int)answer.StatusCode},\"error\":{OneLine(error)}}}\n\n", ct);
                return;
            }

            using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
            var message = new StringBuilder();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0)
                {
                    if (message.Length > 0)
                    {
                        await output.WriteAsync(message.Append('\n').ToString(), ct);
                        message.Clear();
                    }

                    continue;
                }

                if (!line.StartsWith("id:", StringComparison.Ordinal) && !line.StartsWith(':'))
                {
                    message.Append(line).Append('\n');
                }
            }

            await output.WriteAsync($"event: end\ndata: {{\"sessionId\":\"{id}\"}}\n\n", ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
        }
    }

    // The daemon's error envelope is one JSON document; SSE data must be one line.
    private static string OneLine(string json) => json.Length == 0 ? "null" : json.ReplaceLineEndings(" ");
}
