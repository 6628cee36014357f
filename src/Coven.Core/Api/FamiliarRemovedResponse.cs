namespace Coven.Core.Api;

/// <summary>Answer of <c>DELETE /api/v1/familiars/{name}</c>.</summary>
public sealed record FamiliarRemovedResponse(string Removed);
