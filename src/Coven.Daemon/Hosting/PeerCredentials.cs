using System.Runtime.InteropServices;
using System.Net.Sockets;
using Coven.Interop;

namespace Coven.Daemon.Hosting;

/// <summary>SO_PEERCRED of a connected Unix socket: the uid of the process that connected.</summary>
internal static class PeerCredentials
{
    public static uint EffectiveUid { get; } = Libc.GetEUid();

    /// <summary>Reads struct ucred {pid_t pid; uid_t uid; gid_t gid;}; false when the option cannot be read.</summary>
    public static bool TryGetPeer(Socket socket, out int pid, out uint uid)
    {
        pid = 0;
        uid = uint.MaxValue;
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            var length = socket.GetRawSocketOption(Libc.SOL_SOCKET, Libc.SO_PEERCRED, ucred);
            if (length < 12)
            {
                return false;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        pid = MemoryMarshal.Read<int>(ucred);
        uid = MemoryMarshal.Read<uint>(ucred[4..]);
        return true;
    }
}
