namespace Coven.TestSupport;

/// <summary>HttpClient over a Unix socket (the daemon's API): every connection dials the given socket path.</summary>
public static class UnixSocketHttp
{
    public static HttpClient Create(string socketPath, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => Net.UnixSocketConnector.ConnectAsync(socketPath, cancellationToken),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri("http://coven/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }
}
