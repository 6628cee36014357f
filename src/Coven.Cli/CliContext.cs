using Coven.Cli.Api;
using Coven.Cli.Daemon;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli;

/// <summary>What one command invocation works with: the console, COVEN_HOME and (lazily) a connected client.</summary>
internal sealed class CliContext : IDisposable
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

    /// <summary>The handshake answer of the daemon we talk to (set by <see cref="ConnectAsync"/>).</summary>
    public HealthResponse? Health { get; private set; }

    public string? UserHome => Console.Env("HOME");

    /// <summary>A client without a handshake, for commands that only probe (daemon status/stop).</summary>
    public CovenClient RawClient => _client ??= new CovenClient(Paths.Socket);

    /// <summary>
    /// Handshakes with the daemon, starting it first when it is not running (unless COVEN_NO_AUTOSTART=1),
    /// and says so on stderr.
    /// </summary>
    public async Task<CovenClient> ConnectAsync(CancellationToken ct)
    {
        var client = RawClient;
        if (Health is not null)
        {
            return client;
        }

        Health = await DaemonControl.TryHealthAsync(client, ct);
        if (Health is null)
        {
            if (Console.Env("COVEN_NO_AUTOSTART") is "1" or "true")
            {
                throw CliException.Unreachable($"daemon not running at {Paths.Socket} (COVEN_NO_AUTOSTART is set; run 'coven daemon start')");
            }

            Health = await DaemonControl.StartAsync(Paths, client, Console.Env, ct);
            Error.WriteLine($"coven: started daemon (pid {Health.Daemon.Pid})");
        }

        return client;
    }

    public void Dispose() => _client?.Dispose();
}
