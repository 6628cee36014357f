using Coven.Core;

namespace Coven.Daemon.Supervision;

/// <summary>
/// Why covend does not drive a live session's lane: it speaks another lane protocol, or writes a store schema this
/// covend does not accept (a lane of another version left running across an upgrade). The lane and its harness keep
/// running untouched; health's <c>lanes</c>, <c>coven doctor</c> and every request that needs the lane say why.
/// </summary>
internal sealed record LaneRefusal(string Reason, int? LaneProtocol, string? LaneVersion, ProcessIdentity? Lane);
