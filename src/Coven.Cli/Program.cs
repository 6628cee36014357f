using System.Runtime.InteropServices;
using Coven.Cli;
using Coven.Cli.Output;

using var console = CliConsole.ForProcess();
using var interrupted = new CancellationTokenSource();

// First SIGINT/SIGTERM/SIGHUP: cancel the command so it can restore the terminal and exit 130; a second one
// gets the default action (the handler is gone by then).
PosixSignalRegistration? sigint = null, sigterm = null, sighup = null;
void OnSignal(PosixSignalContext context)
{
    if (!interrupted.IsCancellationRequested)
    {
        context.Cancel = true;
        interrupted.Cancel();
    }
}

sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
try
{
    return await new CliApp(console).RunAsync(args, interrupted.Token);
}
finally
{
    sigint.Dispose();
    sigterm.Dispose();
    sighup.Dispose();
}
