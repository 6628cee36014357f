using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Coven.Daemon.Hosting;

/// <summary>Kestrel connection middleware: connections from another uid are closed before any HTTP is read.</summary>
internal static partial class PeerCheck
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(ILogger logger) => next => async connection =>
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        var pid = -1;
        var uid = uint.MaxValue;
        if (socket is null || !PeerCredentials.TryGetPeer(socket, out pid, out uid) || uid != PeerCredentials.EffectiveUid)
        {
            LogRefused(logger, pid, uid);
            connection.Abort(new ConnectionAbortedException("peer uid differs from the daemon's"));
            return;
        }

        await next(connection);
    };

    [LoggerMessage(EventId = Logging.EventIds.PeerRefused, Level = LogLevel.Warning, Message = "Refused a connection from pid {Pid} uid {Uid} (not the daemon's user)")]
    private static partial void LogRefused(ILogger logger, int pid, uint uid);
}
