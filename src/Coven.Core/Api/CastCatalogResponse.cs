namespace Coven.Core.Api;

public sealed record CastCatalogResponse(IReadOnlyList<CastCodeInfoDto> Codes, string Grammar);
