namespace Coven.Core;

/// <summary>The activity names of docs/attention.md: what an agent does, separate from the lifecycle status.</summary>
public static class SessionActivity
{
    public const string Working = "working";
    public const string Waiting = "waiting";
    public const string Idle = "idle";
    public const string Unknown = "unknown";

    public static bool IsName(string? value) => value is Working or Waiting or Idle or Unknown;
}
