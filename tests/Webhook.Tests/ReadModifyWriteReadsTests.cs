using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PowerDnsClient;
using Webhook.Editing;

namespace Webhook.Tests;

/// <summary>
/// Read-modify-write on PowerDNS 4.7.3 reads a batch's TXT RRSets by whichever read costs less: the whole zone while it
/// is small (or its size unknown), one GET per name once it is large, so a batch never pays for a zone it barely touches.
/// </summary>
public sealed class ReadModifyWriteReadsTests(DebianPowerDnsServer pdns) : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddPowerDnsClient().BuildServiceProvider();

    [Fact]
    public async Task ABatchInALargeZoneReadsItsNamesAndInASmallZoneTheZone()
    {
        var large = await CreateZoneAsync(fill: 1_000);
        var small = await CreateZoneAsync(fill: 10);

        var largeReads = await WriteTwoBatchesAsync(large);
        var smallReads = await WriteTwoBatchesAsync(small);

        largeReads.Should().Equal((Zone: 1, RRSets: 0), (Zone: 0, RRSets: 3));
        smallReads.Should().Equal((Zone: 1, RRSets: 0), (Zone: 1, RRSets: 0));
        (await TxtAsync(large)).Should().BeEquivalentTo(Expected(large));
        (await TxtAsync(small)).Should().BeEquivalentTo(Expected(small));
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    // The first batch reads the zone whole (its size unknown); the second, given what the first learned, reads per name.
    private async Task<(int Zone, int RRSets)[]> WriteTwoBatchesAsync(string zone)
    {
        var api = new CountingApi(_services.GetRequiredService<PowerDnsClientFactory>().Create(new PowerDnsEndpoint(pdns.ApiUrl, "localhost", pdns.ApiKey)));
        var editor = new ReplaceEditor(api, "server", "localhost", new Zone(zone, zone, "Native"));
        var counts = new List<(int, int)>();
        foreach (var batch in new[] { "a", "b" })
        {
            await editor.WriteAsync([.. Names(zone).Select(n => new TxtEdit(n, batch, 60, Add: true))], CancellationToken.None);
            counts.Add(api.TakeCounts());
        }

        return [.. counts];
    }

    private static IEnumerable<string> Names(string zone) => Enumerable.Range(0, 3).Select(i => $"_acme-challenge.n{i}.{zone}");

    private static Dictionary<string, string[]> Expected(string zone) => Names(zone).ToDictionary(n => n, _ => new[] { "\"a\"", "\"b\"" });

    private async Task<string> CreateZoneAsync(int fill)
    {
        var zone = $"rmw{Guid.NewGuid():N}.test.";
        using var api = pdns.Api();
        (await api.PostAsJsonAsync("/api/v1/servers/localhost/zones", new JsonObject { ["name"] = zone, ["kind"] = "Native", ["nameservers"] = new JsonArray("ns1.example.test.") }))
            .EnsureSuccessStatusCode();
        var rrsets = new JsonArray([.. Enumerable.Range(0, fill).Select(i => (JsonNode)new JsonObject
        {
            ["name"] = $"fill{i}.{zone}", ["type"] = "TXT", ["ttl"] = 60, ["changetype"] = "REPLACE",
            ["records"] = new JsonArray(new JsonObject { ["content"] = $"\"f{i}\"", ["disabled"] = false }),
        })]);
        (await api.PatchAsJsonAsync($"/api/v1/servers/localhost/zones/{zone}", new JsonObject { ["rrsets"] = rrsets })).EnsureSuccessStatusCode();
        return zone;
    }

    private async Task<Dictionary<string, string[]>> TxtAsync(string zone)
    {
        using var api = pdns.Api();
        var rrsets = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/servers/localhost/zones/{zone}"))!["rrsets"]!.AsArray();
        return rrsets.Where(r => r!["type"]!.GetValue<string>() == "TXT" && r["name"]!.GetValue<string>().StartsWith("_acme-challenge.", StringComparison.Ordinal))
            .ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["records"]!.AsArray().Select(x => x!["content"]!.GetValue<string>()).Order().ToArray());
    }

    // The real client, counting the reads it is asked for.
    private sealed class CountingApi(IPowerDnsApi inner) : IPowerDnsApi
    {
        private int _zoneReads;
        private int _rrsetReads;

        /// <summary>The whole-zone and single-RRSet reads since the last call.</summary>
        public (int Zone, int RRSets) TakeCounts() => (Interlocked.Exchange(ref _zoneReads, 0), Interlocked.Exchange(ref _rrsetReads, 0));

        public Task<Zone> GetZoneAsync(string serverId, string zoneId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _zoneReads);
            return inner.GetZoneAsync(serverId, zoneId, cancellationToken);
        }

        public Task<Zone> GetRRSetAsync(string serverId, string zoneId, string name, string type, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _rrsetReads);
            return inner.GetRRSetAsync(serverId, zoneId, name, type, cancellationToken);
        }

        public Task<ServerInfo> GetServerAsync(string serverId, CancellationToken cancellationToken = default) => inner.GetServerAsync(serverId, cancellationToken);

        public Task<IReadOnlyList<Zone>> ListZonesAsync(string serverId, CancellationToken cancellationToken = default) => inner.ListZonesAsync(serverId, cancellationToken);

        public Task<IReadOnlyList<Zone>> FindZoneAsync(string serverId, string zone, CancellationToken cancellationToken = default) => inner.FindZoneAsync(serverId, zone, cancellationToken);

        public Task PatchZoneAsync(string serverId, string zoneId, ZonePatch patch, CancellationToken cancellationToken = default) => inner.PatchZoneAsync(serverId, zoneId, patch, cancellationToken);

        public Task NotifyAsync(string serverId, string zoneId, CancellationToken cancellationToken = default) => inner.NotifyAsync(serverId, zoneId, cancellationToken);

        public Task<CacheFlushResult> FlushCacheAsync(string serverId, string domain, CancellationToken cancellationToken = default) => inner.FlushCacheAsync(serverId, domain, cancellationToken);
    }
}
