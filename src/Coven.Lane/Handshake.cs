using System.Buffers;
using System.Text.Json;
using Coven.Interop;

namespace Coven.Lane;

/// <summary>
/// The launch handshake: exactly one JSON line on stdout, read by the daemon through a pipe, after which the
/// lane lets go of the daemon's stdio so it survives the pipe being closed.
/// </summary>
internal static class Handshake
{
    public static void Succeeded(int lanePid, int harnessPid) => WriteLine(w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteNumber("lanePid", lanePid);
        w.WriteNumber("harnessPid", harnessPid);
    });

    public static void Failed(string reason, int errno) => WriteLine(w =>
    {
        w.WriteBoolean("ok", false);
        w.WriteString("reason", reason);
        w.WriteNumber("errno", errno);
    });

    /// <summary>Points fds 0, 1 and 2 at /dev/null.</summary>
    public static void DetachStandardStreams(LaneLog log)
    {
        var fd = Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            log.Warn("could not open /dev/null to detach stdio");
            return;
        }

        // dup2 clears FD_CLOEXEC on the target, so 0/1/2 stay valid descriptors for the runtime.
        for (var target = 0; target <= 2; target++)
        {
            if (fd != target && Libc.Dup2(fd, target) < 0)
            {
                log.Warn($"dup2(/dev/null, {target}) failed");
            }
        }

        if (fd > 2)
        {
            _ = Libc.Close(fd);
        }
    }

    private static void WriteLine(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        try
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(buffer.WrittenSpan);
            stdout.Flush();
        }
        catch (IOException)
        {
            // The daemon stopped listening; the session state in the store still tells the story.
        }
    }
}
