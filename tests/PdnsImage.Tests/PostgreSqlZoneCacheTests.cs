using System.Net;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>
/// The image turns PowerDNS's zone cache off (pdns.conf). Three replicas on one database, two with the image's settings
/// and one with the zone cache PowerDNS ships with, show what that buys: a zone created through one replica is served by
/// the others at once, and a cache flush costs no database session.
/// </summary>
public sealed class PostgreSqlZoneCacheTests(TrixieImage host, PostgreSqlServer postgres) : IAsyncLifetime
{
    private const int Flushes = 200;
    private readonly ImageServer _first = new(host);
    private readonly ImageServer _second = new(host);
    private readonly ImageServer _withZoneCache = new(host);
    private PostgreSqlDatabase? _database;

    private ImageServer[] Replicas => [_first, _second, _withZoneCache];

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        foreach (var server in Replicas)
        {
            await server.AddExampleZoneAsync();
            await server.UsePostgreSqlAsync(_database);
        }

        _withZoneCache.Settings["PDNS_EXTRA_CONF"] = "zone-cache-refresh-interval=300";   // PowerDNS's default
        foreach (var server in Replicas)
        {
            await server.StartAndWaitForApiAsync();
        }
    }

    [Fact]
    public async Task AZoneCreatedThroughOneReplicaIsServedByTheOthersAtOnceUnlessTheyCacheZones()
    {
        const string zone = "created-later.example.org";
        using (var api = _first.Api())
        {
            using var created = await api.PostAsync("/api/v1/servers/localhost/zones", new StringContent(
                $$"""{"name": "{{zone}}.", "kind": "Native", "nameservers": ["ns1.{{zone}}."]}""", System.Text.Encoding.UTF8, "application/json"));
            created.StatusCode.Should().Be(HttpStatusCode.Created, _first.ToString());
        }

        var served = await _second.Dns().QueryAsync(zone, QueryType.SOA);
        served.Header.ResponseCode.Should().Be(DnsHeaderResponseCode.NoError, _second.ToString());
        served.Answers.SoaRecords().Should().ContainSingle().Which.DomainName.Value.Should().Be(zone + ".");
        (await _withZoneCache.Dns().QueryAsync(zone, QueryType.SOA)).Header.ResponseCode
            .Should().Be(DnsHeaderResponseCode.Refused, "a zone cache learns of the zone only at its refresh, in 300 s");
    }

    [Fact]
    public async Task ACacheFlushOpensNoDatabaseSessionUnlessTheServerCachesZones()
    {
        var withoutZoneCache = await SessionsOpenedByFlushesAsync(_second, atLeast: 0);
        var withZoneCache = await SessionsOpenedByFlushesAsync(_withZoneCache, atLeast: Flushes);

        TestContext.Current.TestOutputHelper?.WriteLine($"{Flushes} cache flushes opened {withoutZoneCache} database sessions without the zone cache, {withZoneCache} with it");
        withZoneCache.Should().BeGreaterThanOrEqualTo(Flushes, "with a zone cache, each flush checks the zone in the database");
        withoutZoneCache.Should().BeLessThan(Flushes / 10, "without one, a flush touches no database (a session a replica opened as it started may be counted late)");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Replicas)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// Sessions PostgreSQL counted while <paramref name="server"/> flushed the example zone <see cref="Flushes"/> times and
    /// then took one PATCH (one session), read once <paramref name="atLeast"/> of them and the PATCH's are counted (a
    /// backend reports its session by the time it ends, and the flushes' ended before the PATCH began).
    /// </summary>
    private async Task<int> SessionsOpenedByFlushesAsync(ImageServer server, int atLeast)
    {
        var before = await SessionsAsync();
        using (var api = server.Api())
        {
            for (var i = 0; i < Flushes; i++)
            {
                using var flushed = await api.PutAsync($"/api/v1/servers/localhost/cache/flush?domain={ImageServer.ExampleZone}.", null);
                flushed.StatusCode.Should().Be(HttpStatusCode.OK, server.ToString());
            }
        }

        (await server.PatchTxtAsync("_acme-challenge." + ImageServer.ExampleZone + ".", "REPLACE", "after-the-flushes")).Should().Be(HttpStatusCode.NoContent);
        var after = await Eventually.ReturnsAsync(SessionsAsync, s => s > before + atLeast, TimeSpan.FromSeconds(15), server.ToString);
        return after - before - 1;
    }

    private async Task<int> SessionsAsync() =>
        int.Parse((await postgres.QueryAsync("postgres", $"SELECT sessions FROM pg_stat_database WHERE datname = '{_database!.Name}'")).Single(),
            System.Globalization.CultureInfo.InvariantCulture);
}
