namespace Coven.Store;

/// <summary>Event kinds of docs/api.md.</summary>
public static class EventKinds
{
    public const string Output = "output";
    public const string Input = "input";
    public const string Resize = "resize";
    public const string Kill = "kill";
    public const string Exit = "exit";
    public const string Lifecycle = "lifecycle";
    public const string Reattached = "reattached";
    public const string Truncated = "truncated";
    public const string Activity = "activity";
}
