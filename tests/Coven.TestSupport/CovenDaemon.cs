namespace Coven.TestSupport;

/// <summary>Starting and stopping a real covend through the CLI, as the test fixtures do.</summary>
public static class CovenDaemon
{
    /// <summary><c>coven daemon start</c>; throws with the daemon's console log when it fails.</summary>
    public static async Task StartAsync(CovenCli cli)
    {
        var r = await cli.RunAsync("daemon", "start");
        if (r.ExitCode != 0)
        {
            var log = Path.Combine(cli.Home, "logs", "covend.console.log");
            throw new InvalidOperationException($"coven daemon start failed: {r}\n--- covend console log\n{(File.Exists(log) ? File.ReadAllText(log) : "(none)")}");
        }
    }

    /// <summary>Kills (SIGKILL) every live or pending session, then <c>coven daemon stop</c>; best effort.</summary>
    public static async Task StopAsync(CovenCli cli)
    {
        try
        {
            var live = await cli.RunAsync("sessions", "--status", "live,pending", "--quiet");
            foreach (var id in live.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await cli.RunAsync("kill", id.Trim(), "--signal", "KILL");
            }

            await cli.RunAsync("daemon", "stop");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            // Best effort: the temp dir goes anyway.
        }
    }
}
