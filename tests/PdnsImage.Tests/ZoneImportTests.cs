using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>The volume's life: created from the packaged schema, zone files imported once, API edits kept across restarts, bad zones refused.</summary>
public abstract partial class ZoneImportTests(ImageHost host)
{
    private const string OtherZone = """
        $TTL 60
        @ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 10
        @ IN NS ns1.example.com.
        """;

    [Fact]
    public async Task AnEmptyDataDirectoryGetsThePackagedSchemaAndServesTheZone()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        var schema = await File.ReadAllTextAsync(host.HostPath("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql"));

        var version = await server.StartAndWaitForApiAsync();

        version.Should().StartWith(host.VersionPrefix);
        var soa = (await server.Dns().QueryAsync(ImageServer.ExampleZone, QueryType.SOA)).Answers.SoaRecords().Should().ContainSingle().Subject;
        soa.MName.Value.Should().Be("ns1.example.com.");
        var tables = await server.QueryAsync("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        tables.Should().BeEquivalentTo(CreateTable().Matches(schema).Select(m => m.Groups[1].Value));
        (await server.QueryAsync("SELECT name FROM domains")).Should().Equal(ImageServer.ExampleZone);
    }

    [Fact]
    public async Task AZoneFileAddedLaterIsServedAfterARestartAndZonesAlreadyImportedAreNeitherDuplicatedNorReset()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();
        const string Name = "_acme-challenge." + ImageServer.ExampleZone + ".";
        using (var api = server.Api())
        {
            var patch = await api.PatchAsync($"/api/v1/servers/localhost/zones/{ImageServer.ExampleZone}.", new StringContent($$"""
                {"rrsets": [{"name": "{{Name}}", "type": "TXT", "ttl": 60, "changetype": "REPLACE",
                             "records": [{"content": "\"written before the restart\"", "disabled": false}]}]}
                """, Encoding.UTF8, "application/json"));
            patch.StatusCode.Should().Be(HttpStatusCode.NoContent, await patch.Content.ReadAsStringAsync());
        }

        await server.StopAsync();
        await server.AddZoneFileAsync("other.test", OtherZone);

        await server.StartAndWaitForApiAsync();

        (await server.QueryAsync("SELECT name FROM domains ORDER BY name")).Should().Equal(ImageServer.ExampleZone, "other.test");
        (await server.Dns().QueryAsync("other.test", QueryType.SOA)).Answers.SoaRecords().Should().ContainSingle();
        (await new DnsProbe(server.DnsPort).TxtAsync(Name)).Values.Should().Equal("written before the restart");
        server.Output.Should().Contain($"zone {ImageServer.ExampleZone} is already in the database");
    }

    [Fact]
    public async Task AZoneFileWithoutSoaStopsTheStartNamingTheFileAndIsNotImported()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();
        await server.StopAsync();
        await server.AddZoneFileAsync("broken.test", "$TTL 60\n@ IN NS ns1.example.com.\n");

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();

        exit.Should().NotBe(0);
        server.Output.Should().Contain("broken.test.zone").And.NotContain("starting pdns_server");
        (await server.QueryAsync("SELECT name FROM domains")).Should().Equal(ImageServer.ExampleZone);
    }

    [Fact]
    public async Task AZoneThatPdnsutilCheckAllZonesRejectsStopsTheStartAndAFixedFileThenImports()
    {
        await using var server = new ImageServer(host);
        await server.AddZoneFileAsync("cname.test", OtherZone + "\nwww IN CNAME example.com.\nwww IN A 192.0.2.1\n");

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();
        var output = server.Output;
        var zonesAfterFailure = await server.QueryAsync("SELECT name FROM domains");
        await server.StopAsync();
        await server.AddZoneFileAsync("cname.test", OtherZone);
        await server.StartAndWaitForApiAsync();

        exit.Should().NotBe(0);
        output.Should().Contain("'cname.test'").And.Contain("pdnsutil check-all-zones failed");
        zonesAfterFailure.Should().BeEmpty("a zone that failed the check is not left behind to block the next start");
        (await server.QueryAsync("SELECT name FROM domains")).Should().Equal("cname.test");
    }

    [Fact]
    public async Task AnApiEditOfAnImportedZoneChangesItsSerial()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();
        var before = await SerialAsync(server);

        var status = await server.PatchTxtAsync("_acme-challenge." + ImageServer.ExampleZone + ".", "REPLACE", "value");

        status.Should().Be(HttpStatusCode.NoContent, server.ToString());
        (await SerialAsync(server)).Should().BeGreaterThan(before, "the import sets SOA-EDIT-API, which secondaries and monitoring rely on");
    }

    private static async Task<uint> SerialAsync(ImageServer server) =>
        (await server.Dns().QueryAsync(ImageServer.ExampleZone, QueryType.SOA)).Answers.SoaRecords().Single().Serial;

    [GeneratedRegex(@"CREATE TABLE (\w+)")]
    private static partial Regex CreateTable();
}

public sealed class ZoneImportOnPowerDns49(TrixieImage host) : ZoneImportTests(host);

public sealed class ZoneImportOnPowerDns47(DebianHost host) : ZoneImportTests(host);
