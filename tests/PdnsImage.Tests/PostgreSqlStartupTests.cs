using System.Diagnostics;
using System.Net;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>
/// Several replicas of the image on one PostgreSQL database (PDNS_BACKEND=postgresql): the schema and the zones are
/// created once however many start at once, restarts change nothing, and a failed import leaves nothing behind.
/// </summary>
public sealed class PostgreSqlStartupTests(TrixieImage host, PostgreSqlServer postgres)
{
    private const string Name = "_acme-challenge." + ImageServer.ExampleZone + ".";
    private const string Soa = "$TTL 60\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 10\n@ IN NS ns1.example.com.\n";

    [Fact]
    public async Task ThreeReplicasStartingAtOnceOnAnEmptyDatabaseImportEachZoneOnceAndAllServeIt()
    {
        var database = await postgres.CreateDatabaseAsync();
        var replicas = new[] { new ImageServer(host), new ImageServer(host), new ImageServer(host) };
        try
        {
            foreach (var replica in replicas)
            {
                await replica.AddExampleZoneAsync();
                await replica.AddZoneFileAsync("other.test", Soa);
                await replica.UsePostgreSqlAsync(database);
            }

            var clock = Stopwatch.StartNew();
            var ready = await Task.WhenAll(replicas.Select(async r => { await r.StartAndWaitForApiAsync(); return clock.Elapsed; }));

            TestContext.Current.TestOutputHelper?.WriteLine($"three replicas on one empty database: APIs up after {string.Join(", ", ready.Select(t => $"{t.TotalSeconds:F2} s"))}");
            (await postgres.QueryAsync(database.Name, "SELECT name FROM domains ORDER BY name")).Should().Equal(ImageServer.ExampleZone, "other.test");
            (await postgres.QueryAsync(database.Name, "SELECT d.name, count(*) FROM records r JOIN domains d ON d.id = r.domain_id GROUP BY d.name ORDER BY d.name"))
                .Should().Equal($"{ImageServer.ExampleZone}|2", "other.test|2");
            (await postgres.QueryAsync(database.Name, "SELECT d.name, m.kind, m.content FROM domainmetadata m JOIN domains d ON d.id = m.domain_id ORDER BY d.name"))
                .Should().Equal($"{ImageServer.ExampleZone}|SOA-EDIT-API|INCREASE", "other.test|SOA-EDIT-API|INCREASE");
            var outputs = replicas.Select(r => r.Output).ToList();
            outputs.Count(o => o.Contains("created the PowerDNS schema", StringComparison.Ordinal)).Should().Be(1, string.Join('\n', outputs));
            outputs.Count(o => o.Contains("imported zone other.test", StringComparison.Ordinal)).Should().Be(1, string.Join('\n', outputs));
            foreach (var replica in replicas)
            {
                (await replica.Dns().QueryAsync(ImageServer.ExampleZone, QueryType.SOA)).Answers.SoaRecords().Should().ContainSingle(replica.ToString());
                (await replica.Dns().QueryAsync("other.test", QueryType.SOA)).Answers.SoaRecords().Should().ContainSingle(replica.ToString());
            }
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ARestartNeitherDuplicatesNorResetsAZoneAndAnApiEditBumpsTheSerial()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.UsePostgreSqlAsync(database);
        await server.StartAndWaitForApiAsync();
        var serialBefore = await SerialAsync(server);
        (await server.PatchTxtAsync(Name, "REPLACE", "written before the restart")).Should().Be(HttpStatusCode.NoContent, server.ToString());
        var serialAfterPatch = await SerialAsync(server);
        const string Rows = "SELECT d.name, r.name, r.type, r.content FROM records r JOIN domains d ON d.id = r.domain_id ORDER BY 1, 2, 3, 4";
        var rowsBefore = await postgres.QueryAsync(database.Name, Rows);

        await server.StopAsync();
        await server.StartAndWaitForApiAsync();

        serialAfterPatch.Should().BeGreaterThan(serialBefore, "SOA-EDIT-API makes API edits change the serial");
        (await postgres.QueryAsync(database.Name, Rows)).Should().Equal(rowsBefore);
        (await new DnsProbe(server.DnsPort).TxtAsync(Name)).Values.Should().Equal("written before the restart");
        server.Output.Should().Contain($"zone {ImageServer.ExampleZone} is already in the database").And.NotContain("created the PowerDNS schema");
    }

    [Fact]
    public async Task AFailedImportLeavesNeitherSchemaNorZonesBehind()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.AddZoneFileAsync("broken.test", "$TTL 60\n@ IN NS ns1.example.com.\n");
        await server.UsePostgreSqlAsync(database);

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();

        exit.Should().NotBe(0);
        server.Output.Should().Contain("broken.test").And.Contain("nothing was changed").And.NotContain("starting pdns_server");
        (await postgres.QueryAsync(database.Name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).Should().Equal("0");
    }

    [Fact]
    public async Task AZoneThatPdnsutilCheckAllZonesRejectsIsTakenOutAgainAndAFixedFileThenImports()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = new ImageServer(host);
        await server.AddZoneFileAsync("cname.test", Soa + "www IN CNAME example.com.\nwww IN A 192.0.2.1\n");
        await server.UsePostgreSqlAsync(database);

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();
        var zonesAfterFailure = await postgres.QueryAsync(database.Name, "SELECT name FROM domains");
        await server.StopAsync();
        await server.AddZoneFileAsync("cname.test", Soa);
        await server.StartAndWaitForApiAsync();

        exit.Should().NotBe(0);
        zonesAfterFailure.Should().BeEmpty("a zone that failed the check is not left behind to block the next start");
        (await postgres.QueryAsync(database.Name, "SELECT name FROM domains")).Should().Equal("cname.test");
    }

    private static async Task<uint> SerialAsync(ImageServer server) =>
        (await server.Dns().QueryAsync(ImageServer.ExampleZone, QueryType.SOA)).Answers.SoaRecords().Single().Serial;
}
