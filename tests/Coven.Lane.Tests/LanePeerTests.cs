using System.Diagnostics;

namespace Coven.Lane.Tests;

/// <summary>Issue 12 item 8: the lane's control socket refuses other uids by SO_PEERCRED, whatever the file modes.</summary>
public sealed class LanePeerTests
{
    // Connects, sends a framed hello and prints REPLY <json>, or CLOSED when the lane hangs up first.
    private const string HelloClient = """
        import json, socket, struct, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(sys.argv[1])
        body = json.dumps({"v": 1, "id": 1, "op": "hello", "sessionId": sys.argv[2]}).encode()
        try:
            s.sendall(struct.pack(">I", len(body)) + body)
            head = s.recv(4)
        except (BrokenPipeError, ConnectionResetError):
            head = b""
        if len(head) < 4:
            print("CLOSED")
        else:
            n = struct.unpack(">I", head)[0]
            data = b""
            while len(data) < n:
                data += s.recv(n - len(data))
            print("REPLY " + data.decode())
        """;

    [Fact]
    public async Task OtherUid_IsRefused_EvenWithTheDirectoriesOpenedUp()
    {
        // CI runs as root; switching to another uid needs it. Fail rather than pass without testing anything.
        Assert.True(Environment.UserName == "root", "this test must run as root (it switches to uid nobody with setpriv)");
        Assert.True(File.Exists("/usr/bin/setpriv") && File.Exists("/usr/bin/python3"), "setpriv and /usr/bin/python3 are required");

        await using var lane = new LaneRun();
        lane.CreateSession("echo READY; exec sleep 1000");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");

        // The client works: the lane's own uid gets a hello reply.
        var own = await RunAsync("/usr/bin/python3", "-c", HelloClient, lane.SocketPath, lane.Session.ToString());
        Assert.Contains("REPLY ", own, StringComparison.Ordinal);
        Assert.Contains("\"ok\":true", own, StringComparison.Ordinal);

        var traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(lane.Home.Path, traversable);
        File.SetUnixFileMode(Path.GetDirectoryName(lane.SocketPath)!, traversable);
        File.SetUnixFileMode(lane.SocketPath, (UnixFileMode)0b110_110_110);

        var other = await RunAsync(
            "/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/bin/python3", "-c", HelloClient, lane.SocketPath, lane.Session.ToString());
        Assert.Contains("CLOSED", other, StringComparison.Ordinal);
        Assert.DoesNotContain("REPLY", other, StringComparison.Ordinal);

        var log = await File.ReadAllTextAsync(lane.Paths.LaneLog(lane.Session));
        Assert.Contains("refused a control connection", log, StringComparison.Ordinal);

        // The lane keeps serving its own user.
        Assert.Contains("\"ok\":true", await RunAsync("/usr/bin/python3", "-c", HelloClient, lane.SocketPath, lane.Session.ToString()), StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(LaneRun.Timeout);
        await p.WaitForExitAsync(cts.Token);
        return await stdout + await stderr;
    }
}
