namespace Coven.Core.Api;

/// <summary><c>POST /api/v1/store/prune</c>: <c>dryRun</c> defaults to true (nothing is deleted unless asked).</summary>
public sealed record PruneRequest
{
    public bool? DryRun { get; init; }
}

/// <summary>One range of a session's output that retention prunes (or pruned).</summary>
public sealed record PruneRangeDto(string SessionId, long FromSeq, long ToSeq, int Events, long Bytes, string Reason);

public sealed record PruneResponse(bool DryRun, IReadOnlyList<PruneRangeDto> Ranges, long Events, long Bytes, long StoreUsedBytes, long StoreFileBytes, long? FreeDiskBytes);

public sealed record VacuumResponse(long BeforeBytes, long AfterBytes);
