using System.Net.Sockets;

namespace Coven.Net;

/// <summary>A stream to a Unix socket, for <c>SocketsHttpHandler.ConnectCallback</c>: HTTP over the daemon's socket.</summary>
internal static class UnixSocketConnector
{
    public static async ValueTask<Stream> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
