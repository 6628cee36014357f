using Coven.Daemon;

return await DaemonHost.RunAsync(args);
