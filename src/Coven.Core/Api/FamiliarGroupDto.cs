namespace Coven.Core.Api;

/// <summary>Sessions of one familiar (a session launched by harness id alone counts as that harness's familiar).</summary>
public sealed record FamiliarGroupDto(string Familiar, IReadOnlyList<SessionDto> Sessions);
