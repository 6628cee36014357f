using Coven.Cli.Api;
using Coven.Cli.Daemon;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli;

/// <summary>What one command invocation works with: the console, COVEN_HOME and (lazily) a connected client.</summary>
internal sealed class CliContext
{
    private CovenClient? _client;

    public CliContext(CliConsole console, CovenPaths paths)
    {
        Console = console;
        Paths = paths;
    }

    public CliConsole Console { get; }
    public CovenPaths Paths { get; }
    public TextWriter Out => Console.Out;
    public TextWriter Error => Console.Error;

    /// <summary>The daemon's health answer, when it has been asked for (<see cref="GetHealthAsync"/>) or it was just started.</summary>
    public HealthResponse? Health { get; private set; }

    public string? UserHome => Console.Env("HOME");

    /// <summary>A client that never starts the daemon, for commands that only probe (daemon status/stop).</summary>
    public CovenClient RawClient => _client ??= new CovenClient(Paths.Socket);

    /// <summary>
    /// A client that starts the daemon on first use when its socket does not answer (unless COVEN_NO_AUTOSTART=1),
    /// and says so on stderr. No handshake request is made up front: a command costs one round trip.
    /// </summary>
    public Task<CovenClient> ConnectAsync(CancellationToken ct)
    {
        var client = RawClient;
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
}
