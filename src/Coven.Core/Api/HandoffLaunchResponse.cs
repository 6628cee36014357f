namespace Coven.Core.Api;

/// <summary>Result of <c>~&lt;handoff ... to:NAME</c>: the context handed over and the session launched with it.</summary>
public sealed record HandoffLaunchResponse(HandoffDocument Handoff, SessionDto Session);
