namespace Coven.Daemon.Lanes;

/// <summary>A pushed lane event: <c>appended</c> (seq) or <c>exited</c> (seq of the exit event).</summary>
internal sealed record LaneNotification(string Event, long Seq);
