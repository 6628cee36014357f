namespace Coven.Core.Api;

/// <summary>One matching line of <c>GET /api/v1/search</c>, with up to <c>context</c> lines around it in its session.</summary>
public sealed record SearchHitDto(
    string SessionId,
    string Ref,
    long Seq,
    string CreatedAt,
    string Line,
    IReadOnlyList<string> Before,
    IReadOnlyList<string> After,
    string Harness,
    string ProjectRoot,
    string Title);

/// <summary>
/// <c>GET /api/v1/search</c>: matching lines, newest first. <c>IndexComplete</c> is false when output recorded
/// up to the request was not all indexed within the request's budget (the answer covers events up to
/// <c>IndexedSeq</c>).
/// </summary>
public sealed record SearchResponse(IReadOnlyList<SearchHitDto> Hits, bool HasMore, string? NextCursor, long IndexedSeq, bool IndexComplete);
