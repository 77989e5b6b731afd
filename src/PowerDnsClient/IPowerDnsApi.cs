using Refit;

namespace PowerDnsClient;

/// <summary>The slice of the PowerDNS Authoritative HTTP API that DNS-01 needs.</summary>
public interface IPowerDnsApi
{
    /// <summary>Server information; <see cref="ServerInfo.Version"/> decides the edit strategy.</summary>
    [Get("/api/v1/servers/{serverId}")]
    Task<ServerInfo> GetServerAsync(string serverId, CancellationToken cancellationToken = default);

    /// <summary>All zones of the server, without their RRSets.</summary>
    [Get("/api/v1/servers/{serverId}/zones")]
    Task<IReadOnlyList<Zone>> ListZonesAsync(string serverId, CancellationToken cancellationToken = default);

    /// <summary>The zone named exactly <paramref name="zone"/> (absolute, with trailing dot), or an empty list.</summary>
    [Get("/api/v1/servers/{serverId}/zones")]
    Task<IReadOnlyList<Zone>> FindZoneAsync(string serverId, string zone, CancellationToken cancellationToken = default);

    /// <summary>A zone with all its RRSets.</summary>
    [Get("/api/v1/servers/{serverId}/zones/{zoneId}")]
    Task<Zone> GetZoneAsync(string serverId, string zoneId, CancellationToken cancellationToken = default);

    /// <summary>A zone carrying only the RRSet of the given name and type (PowerDNS 4.7 and later).</summary>
    [Get("/api/v1/servers/{serverId}/zones/{zoneId}")]
    Task<Zone> GetRRSetAsync(
        string serverId,
        string zoneId,
        [AliasAs("rrset_name")] string name,
        [AliasAs("rrset_type")] string type,
        CancellationToken cancellationToken = default);

    /// <summary>Applies RRSet changes in one transaction; PowerDNS answers 204.</summary>
    [Patch("/api/v1/servers/{serverId}/zones/{zoneId}")]
    Task PatchZoneAsync(string serverId, string zoneId, [Body] ZonePatch patch, CancellationToken cancellationToken = default);

    /// <summary>Sends a DNS NOTIFY to the secondaries of a primary zone.</summary>
    [Put("/api/v1/servers/{serverId}/zones/{zoneId}/notify")]
    Task NotifyAsync(string serverId, string zoneId, CancellationToken cancellationToken = default);

    /// <summary>Drops every cache entry at or below <paramref name="domain"/>; needed after edits on servers before 4.9.12.</summary>
    [Put("/api/v1/servers/{serverId}/cache/flush")]
    Task<CacheFlushResult> FlushCacheAsync(string serverId, string domain, CancellationToken cancellationToken = default);
}
