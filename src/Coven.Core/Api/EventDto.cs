namespace Coven.Core.Api;

/// <summary>An event on the wire: <c>payloadJson</c> is a JSON document encoded as a string.</summary>
public sealed record EventDto(long Seq, string Id, string SessionId, string Kind, string PayloadJson, string CreatedAt);

public sealed record EventCursor(long AfterSeq);

public sealed record EventPage(IReadOnlyList<EventDto> Events, EventCursor? NextCursor, bool HasMore);
