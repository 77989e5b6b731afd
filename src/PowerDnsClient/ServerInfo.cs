namespace PowerDnsClient;

/// <summary>A PowerDNS server as <c>GET /api/v1/servers/{id}</c> describes it.</summary>
public sealed record ServerInfo(string Id, string Version);
