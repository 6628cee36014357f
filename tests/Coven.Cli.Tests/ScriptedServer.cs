using System.Net.Sockets;
using System.Text;

namespace Coven.Cli.Tests;

/// <summary>
/// A Unix socket that answers each connection with canned bytes, written in the given pieces with a pause for
/// the reader between them (each piece is its own send, so the client sees them as separate reads when it is
/// waiting). Records each request head it received. For testing how the CLI's HTTP client copes with framing
/// split at awkward places, and with answers the real daemon never gives.
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Task _loop;
    private readonly List<string> _requests = [];

    /// <param name="answer">For each request head, the pieces to send; the connection is closed after the last.</param>
    /// <param name="holdOpen">When given, the connection stays open after the last piece until this is set.</param>
    public ScriptedServer(string socketPath, Func<string, IReadOnlyList<byte[]>> answer, ManualResetEventSlim? holdOpen = null)
    {
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        _loop = Task.Run(async () =>
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    var head = ReadHead(client);
                    lock (_requests)
                    {
                        _requests.Add(head);
                    }

                    try
                    {
                        foreach (var piece in answer(head))
                        {
                            client.Send(piece);

                            // Let the client take this piece before the next one arrives (a yield, not a timing assumption:
                            // correctness never depends on it, only how the bytes are split across reads).
                            await Task.Yield();
                        }

                        holdOpen?.Wait(TimeSpan.FromSeconds(60));
                        client.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                        // The client hung up first: fine for the tests that end early.
                    }
                }
            }
        });
    }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Splits text into UTF-8 pieces at the given byte offsets.</summary>
    public static IReadOnlyList<byte[]> Split(string text, params int[] cuts)
    {
        var all = Bytes(text);
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Append(all.Length))
        {
            pieces.Add(all[start..cut]);
            start = cut;
        }

        return pieces;
    }

    /// <summary>A complete 200 answer with a JSON body (Content-Length framing).</summary>
    public static IReadOnlyList<byte[]> Json(string json, int status = 200)
    {
        var body = Bytes(json);
        return [Bytes($"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"), body];
    }

    public void Dispose()
    {
        _listener.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>The request head, after which its body (Content-Length) is read and dropped: closing with unread
    /// bytes would reset the connection under the client.</summary>
    private static string ReadHead(Socket client)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (client.Receive(one) == 1)
        {
            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString([.. head]);
        var length = text.Split("\r\n")
            .Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = new byte[Math.Max(length, 1)];
        for (var read = 0; read < length;)
        {
            var n = client.Receive(body, read, length - read, SocketFlags.None);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return text;
    }
}
