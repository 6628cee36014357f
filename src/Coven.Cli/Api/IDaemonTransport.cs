namespace Coven.Cli.Api;

/// <summary>
/// How the CLI's HTTP/1.1 requests reach a daemon: the local Unix socket (<see cref="LocalTransport"/>), or the
/// socket of another host through <c>ssh … coven dial-stdio</c> (<see cref="Remote.SshTransport"/>). The daemon at
/// the far end keeps every authority check either way; a transport only carries bytes.
/// </summary>
internal interface IDaemonTransport : IDisposable
{
    /// <summary>Where the daemon is, for error messages ("daemon at /home/me/.coven/coven.sock", "ssh://me@build").</summary>
    string Describe { get; }

    /// <summary>One request and its complete answer. A refused connection (nothing sent) is <see cref="UnixHttp.ConnectFailedException"/>.</summary>
    Task<(int Status, string Body)> ExchangeAsync(string method, string path, string? jsonBody, int timeoutMs, CancellationToken ct);

    /// <summary>A streamed GET (server-sent events) on a connection of its own.</summary>
    Task<HttpStreamResponse> OpenStreamAsync(string path, string accept, CancellationToken ct);
}

/// <summary>The daemon of this machine, on its Unix socket: a fresh connection per request (<c>Connection: close</c>).</summary>
internal sealed class LocalTransport(string socketPath) : IDaemonTransport
{
    public string SocketPath { get; } = socketPath;

    public string Describe => SocketPath;

    public Task<(int Status, string Body)> ExchangeAsync(string method, string path, string? jsonBody, int timeoutMs, CancellationToken ct) =>
        Task.FromResult(UnixHttp.Exchange(SocketPath, method, path, jsonBody, timeoutMs));

    public Task<HttpStreamResponse> OpenStreamAsync(string path, string accept, CancellationToken ct) =>
        HttpStreamResponse.GetAsync(SocketPath, path, accept, ct);

    public void Dispose()
    {
    }
}
