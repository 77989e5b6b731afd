using System.Net;
using System.Text.Json;
using Webhook.Freshness;
using Webhook.Issuers;

namespace Webhook.Tests;

public sealed class InstanceResolutionTests
{
    [Fact]
    public async Task EachAddressOfANameIsAnInstanceReachedThroughTheIssuersEndpointPinnedToIt()
    {
        var config = SolverConfig.Parse(JsonDocument.Parse("""
            {"host": "https://pdns.example.test:8081/prefix", "apiKeySecretRef": {"name": "s", "key": "k"},
             "instances": ["localhost", "10.0.0.7", "127.0.0.1"], "dnsPort": 5353}
            """).RootElement);
        var endpoint = config.Endpoint("key");
        var localhost = await Dns.GetHostAddressesAsync("localhost", TestContext.Current.CancellationToken);

        var instances = await PowerDnsInstances.ResolveAsync(config, endpoint, TestContext.Current.CancellationToken);

        instances.Select(i => i.Dns).Should().BeEquivalentTo(localhost.Append(IPAddress.Parse("10.0.0.7")).Append(IPAddress.Loopback).Distinct()
            .Select(address => new IPEndPoint(address, 5353)), "an address listed twice (by name and as itself) is one instance");
        instances.Should().AllSatisfy(i => i.Api.Should().Be(endpoint with { Address = i.Dns.Address }));
    }
}
