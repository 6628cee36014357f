namespace Coven.Daemon.Sessions;

/// <summary>Terminal size for the resumed session (defaults to the old session's size).</summary>
internal sealed record ResumeOptions(int? Cols, int? Rows);
