namespace Coven.Core.Api;

/// <summary><c>POST /api/v1/web</c>: start the web cockpit's loopback listener (docs/web.md).</summary>
public sealed record WebStartRequest
{
    /// <summary>The TCP port on 127.0.0.1 (1024–65535); absent or null: a free port the kernel picks.</summary>
    public int? Port { get; init; }
}

/// <summary>
/// The web cockpit's listener: <c>url</c> carries the per-start token (give it to a browser once; it is exchanged
/// for a cookie), <c>origin</c> is the address without it.
/// </summary>
public sealed record WebStatusResponse(bool Running, string? Url, string? Origin, int? Port, string? TokenFile, string? StartedAt, bool AssetsBuilt);
