namespace Coven.Core.Api;

public sealed record HealthResponse
{
    public bool Ok { get; init; } = true;
    public string ApiVersion { get; init; } = "coven.daemon.v1";
    public required string CovenVersion { get; init; }
    public required DaemonInfo Daemon { get; init; }
    public required HealthCapabilities Capabilities { get; init; }

    /// <summary>Additive: schema version and integrity of the store.</summary>
    public StoreHealth? Store { get; init; }

    /// <summary>Additive: every lane the daemon is connected to, with the version it reported, and every live lane it refused.</summary>
    public IReadOnlyList<LaneHealth>? Lanes { get; init; }
}

/// <summary>One connected lane: its session, pid and product version (null when the lane does not report one).</summary>
public sealed record LaneHealth(string SessionId, int? Pid, string? Version)
{
    /// <summary>Additive: the lane protocol the lane speaks (null when it does not say).</summary>
    public int? Protocol { get; init; }

    /// <summary>Additive: <c>attached</c>, or <c>refused</c> (incompatible protocol or schema; still running, see <see cref="Reason"/>).</summary>
    public string Status { get; init; } = "attached";

    /// <summary>Additive: why a refused lane is not driven; null for an attached one.</summary>
    public string? Reason { get; init; }
}

public sealed record DaemonInfo
{
    public required int Pid { get; init; }
    public required string StartedAt { get; init; }
    public required string Socket { get; init; }
    public string? Version { get; init; }
}

/// <summary>A flag is true only when the feature works in this build.</summary>
public sealed record HealthCapabilities
{
    public bool Sessions { get; init; }
    public bool Events { get; init; }
    public bool EventCursor { get; init; }
    public bool StructuredErrors { get; init; }
    public bool Streaming { get; init; }
    public bool Rituals { get; init; }
    public bool ControlPlane { get; init; }
    public bool Screen { get; init; }
    public bool CastCodes { get; init; }
}
