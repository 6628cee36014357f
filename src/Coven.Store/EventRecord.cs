namespace Coven.Store;

/// <summary>A stored event. <see cref="Seq"/> is global, strictly increasing and never reused.</summary>
public sealed record EventRecord(long Seq, string Id, string SessionId, string Kind, string PayloadJson, string CreatedAt);
