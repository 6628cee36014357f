using Coven.Cli;
using Coven.Cli.Output;

using var console = CliConsole.ForProcess();
using var signals = new SignalCancellation();
return await new CliApp(console, signals, args).RunAsync(args, signals.Token);
