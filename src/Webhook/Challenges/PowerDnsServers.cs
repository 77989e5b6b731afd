using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PowerDnsClient;
using Webhook.Observability;

namespace Webhook.Challenges;

/// <summary>
/// What all Issuers using one PowerDNS server share: its edit strategy (from its version), its zone list, the write
/// lock SQLite needs, and one coalescing <see cref="ZoneWriter"/> per zone and credentials.
/// </summary>
internal sealed class PowerDnsServers(PowerDnsClientFactory clients, WebhookMetrics metrics, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Server> _servers = new();
    private readonly ConcurrentDictionary<(string Server, string Zone, string Credentials, EditStrategy), ZoneWriter> _writers = new();

    /// <summary>Applies <paramref name="edit"/> and answers the zone and strategy used.</summary>
    public async Task<(string Zone, EditStrategy Strategy)> EditAsync(SolverConfig config, string apiKey, TxtEdit edit, CancellationToken cancellationToken)
    {
        var endpoint = config.Endpoint(apiKey);
        var api = clients.Create(endpoint);
        var serverKey = $"{config.Host} {config.ServerId}";
        var server = _servers.GetOrAdd(serverKey, _ => new Server(time));
        var zone = await ZoneOfAsync(server, api, config, edit.Name, cancellationToken);
        var strategy = config.EditStrategy is EditStrategy.Auto
            ? await server.Strategy.GetAsync(() => VersionStrategyAsync(api, config.ServerId)).WaitAsync(cancellationToken)
            : config.EditStrategy;
        metrics.Strategy(serverKey, strategy);
        var writer = _writers.GetOrAdd(
            (serverKey, zone.Id, Fingerprint(endpoint), strategy),
            _ => new ZoneWriter(api, config.ServerId, zone, strategy, server.WriteLock, metrics, time));
        await writer.ApplyAsync(edit, cancellationToken);
        return (zone.Name, strategy);
    }

    // The issuer's zone, else the longest PowerDNS zone holding the name (the list is refreshed once on a miss), so a
    // split-horizon resolvedZone cannot pick the wrong zone.
    private static async Task<Zone> ZoneOfAsync(Server server, IPowerDnsApi api, SolverConfig config, string name, CancellationToken cancellationToken)
    {
        if (config.Zone is { } configured && !DnsName.IsWithin(name, configured))
        {
            throw new SolverException($"'{name}' is not inside the configured zone '{configured}' (field 'zone')");
        }

        var zone = Pick(await server.Zones.GetAsync(() => api.ListZonesAsync(config.ServerId)).WaitAsync(cancellationToken), config, name)
            ?? Pick(await server.Zones.GetAsync(() => api.ListZonesAsync(config.ServerId), refresh: true).WaitAsync(cancellationToken), config, name);
        if (zone is null)
        {
            var wanted = config.Zone is { } z ? $"zone '{z}' (field 'zone')" : $"zone holding '{name}'";
            throw new SolverException($"PowerDNS server '{config.ServerId}' at {config.Host} has no {wanted}: create the zone there, or point 'host' at the server that has it");
        }

        return config.Allows(name) ? zone
            : throw new SolverException($"'{name}' is outside the issuer's allowedZones ({string.Join(", ", config.AllowedZones)}): add its zone there, or solve it with an issuer that allows it");
    }

    private static Zone? Pick(IReadOnlyList<Zone> zones, SolverConfig config, string name) => zones
        .Select(zone => (Zone: zone, Name: DnsName.Normalize(zone.Name) ?? ""))
        .Where(z => z.Name.Length > 0 && (config.Zone is { } configured ? z.Name == configured : DnsName.IsWithin(name, z.Name)))
        .OrderByDescending(z => z.Name.Length)
        .Select(z => z.Zone)
        .FirstOrDefault();

    private static async Task<EditStrategy> VersionStrategyAsync(IPowerDnsApi api, string serverId) =>
        EditStrategies.ForVersion((await api.GetServerAsync(serverId)).Version);

    // Edits batch together only when they would be sent with the same credentials and settings.
    private static string Fingerprint(PowerDnsEndpoint endpoint) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(
        '\n', endpoint.ApiKey, endpoint.ApiKeyHeaderName, endpoint.ApiKeyScheme, endpoint.CaBundle, endpoint.Timeout,
        string.Join('\n', endpoint.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}:{h.Value}"))))));

    private sealed class Server(TimeProvider time)
    {
        public Cached<IReadOnlyList<Zone>> Zones { get; } = new(TimeSpan.FromSeconds(30), time);

        public Cached<EditStrategy> Strategy { get; } = new(TimeSpan.FromMinutes(10), time);

        public SemaphoreSlim WriteLock { get; } = new(1, 1);
    }
}
