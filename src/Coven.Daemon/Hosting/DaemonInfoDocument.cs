namespace Coven.Daemon.Hosting;

/// <summary>COVEN_HOME/daemon.json: who serves the socket.</summary>
internal sealed record DaemonInfoDocument(int Pid, string StartedAt, string Version, string Socket);
