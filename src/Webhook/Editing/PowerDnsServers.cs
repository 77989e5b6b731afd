using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Freshness;
using Webhook.Issuers;
using Webhook.Observability;

namespace Webhook.Editing;

/// <summary>
/// What all Issuers using one PowerDNS server share: its edit strategy (from its version), its zone list, and one
/// <see cref="BatchingWriter"/> per zone, endpoint and strategy. Edits batch together only when they would be sent to
/// the same endpoint with the same credentials and settings (the endpoint's own equality). With the Issuer's
/// <c>instances</c>, an edit is done once every instance serves it. Issuers choose the keys, so both maps are bounded
/// and forget what has not been used for a while; a writer forgotten mid-batch finishes it, and the write lock keeps it
/// and its successor apart.
/// </summary>
internal sealed class PowerDnsServers(PowerDnsClientFactory clients, IWriteLock writeLock, PendingSolves pending, PowerDnsInstances instances, WebhookMetrics metrics, TimeProvider time)
{
    private readonly BoundedCache<string, Server> _servers = new(256, TimeSpan.FromMinutes(30), time);
    private readonly BoundedCache<(PowerDnsEndpoint Endpoint, string Zone, EditStrategy Strategy), BatchingWriter> _writers = new(1024, TimeSpan.FromMinutes(10), time);

    /// <summary>Applies <paramref name="edit"/> and answers the zone and strategy used; <paramref name="solve"/> stops pending once the edit is queued.</summary>
    public async Task<(string Zone, EditStrategy Strategy)> EditAsync(SolverConfig config, string apiKey, TxtEdit edit, PendingSolves.Solve solve, CancellationToken cancellationToken)
    {
        var endpoint = config.Endpoint(apiKey);
        var api = clients.Create(endpoint);
        var serverKey = $"{config.Host} {config.ServerId}";
        var server = _servers.GetOrAdd(serverKey, _ => new Server(time));
        var zone = await ZoneOfAsync(server, api, config, edit.Name, cancellationToken);
        var serving = await PowerDnsInstances.ResolveAsync(config, endpoint, cancellationToken);
        var strategy = config.EditStrategy is EditStrategy.Auto
            ? await server.Strategy.GetAsync(() => VersionStrategyAsync(api, config.ServerId)).WaitAsync(cancellationToken)
            : config.EditStrategy;
        metrics.Strategy(serverKey, strategy);
        var writer = _writers.GetOrAdd(
            (endpoint, zone.Id, strategy),
            _ => new BatchingWriter(EditStrategies.Editor(strategy, api, serverKey, config.ServerId, zone), writeLock, pending, instances, metrics, time));
        await writer.ApplyAsync(edit, serving, solve, cancellationToken);
        await instances.ServeAsync(serving, edit, EditStrategies.PurgeRaces(strategy), cancellationToken);
        return (zone.Name, strategy);
    }

    // The issuer's zone, else the longest PowerDNS zone holding the name (the list is refreshed once on a miss), so a
    // split-horizon resolvedZone cannot pick the wrong zone.
    private static async Task<Zone> ZoneOfAsync(Server server, IPowerDnsApi api, SolverConfig config, string name, CancellationToken cancellationToken)
    {
        var zone = Pick(await server.Zones.GetAsync(() => api.ListZonesAsync(config.ServerId)).WaitAsync(cancellationToken), config, name)
            ?? Pick(await server.Zones.GetAsync(() => api.ListZonesAsync(config.ServerId), refresh: true).WaitAsync(cancellationToken), config, name);
        var wanted = config.Zone is { } z ? $"zone '{z}' (field 'zone')" : $"zone holding '{name}'";
        return zone ?? throw new SolverException(
            $"PowerDNS server '{config.ServerId}' at {config.Host} has no {wanted}: create the zone there, or point 'host' at the server that has it");
    }

    private static Zone? Pick(IReadOnlyList<Zone> zones, SolverConfig config, string name) => zones
        .Select(zone => (Zone: zone, Name: DnsName.Normalize(zone.Name) ?? ""))
        .Where(z => z.Name.Length > 0 && (config.Zone is { } configured ? z.Name == configured : DnsName.IsWithin(name, z.Name)))
        .OrderByDescending(z => z.Name.Length)
        .Select(z => z.Zone)
        .FirstOrDefault();

    private static async Task<EditStrategy> VersionStrategyAsync(IPowerDnsApi api, string serverId) =>
        EditStrategies.ForVersion((await api.GetServerAsync(serverId)).Version);

    private sealed class Server(TimeProvider time)
    {
        public Cached<IReadOnlyList<Zone>> Zones { get; } = new(TimeSpan.FromSeconds(30), time);

        public Cached<EditStrategy> Strategy { get; } = new(TimeSpan.FromMinutes(10), time);
    }
}
