using Coven.Cli.Api;
using Coven.Cli.Daemon;
using Coven.Cli.Output;
using Coven.Cli.Remote;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli;

/// <summary>What one command invocation works with: the console, COVEN_HOME and (lazily) a connected client.</summary>
internal sealed class CliContext : IDisposable
{
    private CovenClient? _client;
    private IDaemonTransport? _transport;
    private bool _hostSelected;
    private SshTarget? _remote;
    private string? _hostName;

    public CliContext(CliConsole console, CovenPaths paths, string? hostOption = null)
    {
        Console = console;
        Paths = paths;
        HostOption = hostOption;
    }

    /// <summary>What --host said (an ssh:// address or a context name), if anything.</summary>
    public string? HostOption { get; }

    public CliConsole Console { get; }
    public CovenPaths Paths { get; }
    public TextWriter Out => Console.Out;
    public TextWriter Error => Console.Error;

    /// <summary>The daemon's health answer, when it has been asked for (<see cref="GetHealthAsync"/>) or it was just started.</summary>
    public HealthResponse? Health { get; private set; }

    public string? UserHome => Console.Env("HOME");

    /// <summary>The other host this command talks to (--host, COVEN_HOST or the current context), or null for this machine.</summary>
    public SshTarget? Remote
    {
        get
        {
            SelectHost();
            return _remote;
        }
    }

    /// <summary>The context name or address of the host, for output ("local" for this machine).</summary>
    public string HostName
    {
        get
        {
            SelectHost();
            return _hostName ?? _remote?.Address ?? "local";
        }
    }

    /// <summary>How requests reach the daemon; one per command, so an SSH connection is reused by all its requests.</summary>
    public IDaemonTransport Transport => _transport ??= Remote is { } remote ? new SshTransport(remote, Console.Env) : new LocalTransport(Paths.Socket);

    /// <summary>A client that never starts the daemon, for commands that only probe (daemon status/stop).</summary>
    public CovenClient RawClient => _client ??= new CovenClient(Transport);

    /// <summary>A client with its own answer timeout, sharing this command's transport.</summary>
    public CovenClient CreateClient(TimeSpan timeout) => new(Transport, timeout);

    /// <summary>
    /// Points this command at another host by context name (a qualified reference, "build:3fa9"). Must be called
    /// before the first request.
    /// </summary>
    public void UseHost(string name)
    {
        var (hostName, target) = HostContexts.Resolve(Paths.Home, name, Console.Env);
        _transport?.Dispose();
        _transport = null;
        _client = null;
        _remote = target;
        _hostName = hostName;
        _hostSelected = true;
    }

    /// <summary>Refuses a command that only makes sense on this machine's own daemon (e.g. daemon stop) when a remote host is selected.</summary>
    public void RequireLocal(string what)
    {
        if (Remote is not null)
        {
            throw CliException.Usage($"{what} works on this machine's daemon only; run it on {HostName} (ssh there), or drop --host");
        }
    }

    private void SelectHost()
    {
        if (_hostSelected)
        {
            return;
        }

        (_hostName, _remote) = HostContexts.Select(Paths.Home, HostOption, Console.Env);
        _hostSelected = true;
    }

    /// <summary>
    /// A client that starts the daemon on first use when its socket does not answer (unless COVEN_NO_AUTOSTART=1),
    /// and says so on stderr. No handshake request is made up front: a command costs one round trip.
    /// </summary>
    public Task<CovenClient> ConnectAsync(CancellationToken ct)
    {
        var client = RawClient;
        if (Remote is not null)
        {
            // The remote side's dial-stdio starts its daemon when needed.
            return Task.FromResult(client);
        }

        client.Recover ??= async token =>
        {
            if (Console.Env("COVEN_NO_AUTOSTART") is "1" or "true")
            {
                throw CliException.Unreachable($"daemon not running at {Paths.Socket} (COVEN_NO_AUTOSTART is set; run 'coven daemon start')");
            }

            Health = await DaemonControl.StartAsync(Paths, Console.Env, token);
            Error.WriteLine($"coven: started daemon (pid {Health.Daemon.Pid})");
            return true;
        };
        return Task.FromResult(client);
    }

    /// <summary>The handshake answer (capabilities), asked once.</summary>
    public async Task<HealthResponse> GetHealthAsync(CancellationToken ct)
    {
        var client = await ConnectAsync(ct);
        return Health ??= await client.HealthAsync(ct);
    }

    public void Dispose()
    {
        _transport?.Dispose();
        _transport = null;
    }
}
