using System.Text;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>What the ACME CA and resolvers see on the DNS port, and how the process runs.</summary>
public abstract class ServingTests(ImageHost host)
{
    protected ImageHost Host => host;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheZoneIsAnsweredOverUdpAndTcp(bool tcp)
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();

        var answer = await server.Dns(tcp).QueryAsync(ImageServer.ExampleZone, QueryType.NS);

        answer.Answers.NsRecords().Select(ns => ns.NSDName.Value).Should().Equal("ns1.example.com.");
    }

    [Fact]
    public async Task AnNxDomainAnswerCarriesTheExampleZonesSoaWithATenSecondNegativeTtl()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();

        var answer = await server.Dns().QueryAsync("_acme-challenge." + ImageServer.ExampleZone, QueryType.TXT);

        answer.Header.ResponseCode.Should().Be(DnsHeaderResponseCode.NotExistentDomain);
        AssertShortNegativeTtl(answer);
    }

    [Fact]
    public async Task AZoneCreatedThroughTheApiWithoutSoaGetsATenSecondNegativeTtlToo()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();
        using var api = server.Api();
        var created = await api.PostAsync("/api/v1/servers/localhost/zones", new StringContent(
            """{"name": "api.test.", "kind": "Native", "nameservers": ["ns1.example.com."]}""", Encoding.UTF8, "application/json"));
        created.IsSuccessStatusCode.Should().BeTrue(await created.Content.ReadAsStringAsync());

        var answer = await server.Dns().QueryAsync("_acme-challenge.api.test", QueryType.TXT);

        answer.Header.ResponseCode.Should().Be(DnsHeaderResponseCode.NotExistentDomain);
        AssertShortNegativeTtl(answer);
    }

    // Resolvers cache a negative answer for min(SOA TTL, SOA minimum) (RFC 2308), so both must be low.
    private static void AssertShortNegativeTtl(IDnsQueryResponse answer)
    {
        var soa = answer.Authorities.SoaRecords().Should().ContainSingle().Subject;
        soa.Minimum.Should().BeLessThanOrEqualTo(10);
        soa.InitialTimeToLive.Should().BeLessThanOrEqualTo(10);
    }
}

public sealed class ServingOnPowerDns49(TrixieImage host) : ServingTests(host)
{
    /// <summary>install.sh's fixed id, which Kubernetes' runAsNonRoot and fsGroup rely on.</summary>
    private const int PdnsUid = 953;

    [Fact]
    public async Task PdnsServerRunsAsTheImagesUnprivilegedUser()
    {
        await using var server = new ImageServer(Host);
        await server.AddExampleZoneAsync();

        await server.StartAndWaitForApiAsync();

        var status = await File.ReadAllLinesAsync($"/proc/{server.ProcessId}/status");
        status.Should().Contain("Name:\tpdns_server");
        var uids = status.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..];
        var uid = PdnsUid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        uids.Should().Equal([uid, uid, uid, uid], "real, effective, saved and file-system uid are pdns's");
    }
}

public sealed class ServingOnPowerDns47(DebianHost host) : ServingTests(host);
