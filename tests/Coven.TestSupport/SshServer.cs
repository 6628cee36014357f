using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Coven.TestSupport;

/// <summary>
/// A real OpenSSH server (Debian's openssh-server, which test.sh installs) on a free loopback port, with a host key
/// and an authorized client key of its own, for the remote-host tests. It stands for another machine: the tests'
/// "remote" COVEN_HOME lives behind it. Clients use <see cref="ClientConfig"/> (ssh -F), which pins the host key in a
/// known_hosts file of its own: host-key checking stays on, as for a user.
/// </summary>
public sealed class SshServer : IDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly TempDir _dir = new("cvs-");
    private Process? _sshd;

    public SshServer()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: install openssh-server (test.sh does)");
        }

        Directory.CreateDirectory("/run/sshd"); // sshd's privilege-separation directory
        KeyGen("host_key");
        KeyGen("client_key");
        KeyGen("stranger_key");
        File.Copy(_dir.Combine("client_key.pub"), _dir.Combine("authorized_keys"));
        Port = FreePort();
        File.WriteAllText(_dir.Combine("sshd_config"), $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {_dir.Combine("host_key")}
            AuthorizedKeysFile {_dir.Combine("authorized_keys")}
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PidFile {_dir.Combine("sshd.pid")}
            LogLevel VERBOSE
            """);
        var hostKey = File.ReadAllText(_dir.Combine("host_key.pub")).Split(' ');
        File.WriteAllText(_dir.Combine("known_hosts"), $"[127.0.0.1]:{Port} {hostKey[0]} {hostKey[1]}\n");
        ClientConfig = WriteClientConfig("ssh_config", "client_key");
        StrangerConfig = WriteClientConfig("ssh_config_stranger", "stranger_key");
        Start();
    }

    public int Port { get; }

    /// <summary>ssh -F file: the authorized key, the pinned host key, strict checking.</summary>
    public string ClientConfig { get; }

    /// <summary>The same, with a key the server does not authorize.</summary>
    public string StrangerConfig { get; }

    /// <summary>The server's address as coven --host takes it.</summary>
    public string Address => $"ssh://{Environment.UserName}@127.0.0.1:{Port}";

    public string Log => File.Exists(_dir.Combine("sshd.log")) ? File.ReadAllText(_dir.Combine("sshd.log")) : "(no log)";

    /// <summary>Stops the server (existing connections end with it); the tests' "host went down".</summary>
    public void Stop()
    {
        if (_sshd is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Stop();
        _sshd?.Dispose();
        _dir.Dispose();
    }

    private void Start()
    {
        var psi = new ProcessStartInfo(Sshd, ["-D", "-f", _dir.Combine("sshd_config"), "-E", _dir.Combine("sshd.log")])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _sshd = Process.Start(psi)!;

        // Ready when the port accepts connections (sshd listens before it daemonizes nothing: -D keeps it here).
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (_sshd.HasExited)
            {
                throw new InvalidOperationException($"sshd exited {_sshd.ExitCode}: {_sshd.StandardError.ReadToEnd()} {Log}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (sw.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(20); // polling a port that has no readiness signal of its own
            }
        }
    }

    private string WriteClientConfig(string name, string key)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, $"""
            Host *
              IdentityFile {_dir.Combine(key)}
              IdentitiesOnly yes
              IdentityAgent none
              UserKnownHostsFile {_dir.Combine("known_hosts")}
              StrictHostKeyChecking yes
              ConnectTimeout 10
            """);
        return path;
    }

    private void KeyGen(string name)
    {
        using var p = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "coven-test", "-f", _dir.Combine(name)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen failed: {p.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
