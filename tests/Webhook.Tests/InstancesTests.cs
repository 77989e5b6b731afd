using System.Diagnostics;

namespace Webhook.Tests;

/// <summary>
/// The Issuer's <c>instances</c> on three PowerDNS 4.7.3 instances sharing one SQLite database (<see cref="InstanceRoundsTests"/>),
/// and what it does with answers too large for UDP, an instance that never serves, and a name that does not resolve.
/// </summary>
public sealed class InstancesTests(SharedDatabasePowerDns pdns) : InstanceRoundsTests(pdns, rounds: 20), IClassFixture<SharedDatabasePowerDns>
{
    [Fact]
    public async Task ASetTooLargeForUdpIsCheckedOverTcp()
    {
        var name = await PrimedNameAsync();
        // 43 characters each, as ACME keys: twelve make an answer of about 750 bytes, over the 512 of UDP without EDNS.
        var values = Enumerable.Range(0, 12).Select(i => $"{i:00}{new string('v', 41)}").ToList();

        foreach (var value in values)
        {
            (await Webhook.PresentAsync(name, value, Webhook.Config(Instances))).Success.Should().BeTrue();
        }

        var overTcp = await Task.WhenAll(pdns.Addresses.Select(a => new DnsProbe(pdns.DnsPort, useTcp: true, address: a).TxtAsync(name)));
        overTcp.Should().AllSatisfy(answer => answer.Values.Should().BeEquivalentTo(values));
    }

    [Fact]
    public async Task AnInstanceThatNeverServesFailsPresentWithinTheDeadlineNamingIt()
    {
        var name = await PrimedNameAsync();
        var config = Webhook.Config(new { instances = new[] { "127.0.0.1", "127.0.0.9" }, dnsPort = pdns.DnsPort });
        var clock = Stopwatch.StartNew();

        var result = await Webhook.PresentAsync(name, "fresh", config);

        result.Success.Should().BeFalse();
        result.Message.Should().Contain("1 of 2 PowerDNS instances").And.Contain($"127.0.0.9:{pdns.DnsPort} answered")
            .And.Contain("flushing its cache failed: PowerDNS API PUT").And.Contain("at 127.0.0.9 failed: Connection refused")
            .And.NotContain($"127.0.0.1:{pdns.DnsPort} answered");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(34), "cert-manager's Go framework gives up at 34 s");
    }

    [Fact]
    public async Task AnInstanceNameThatDoesNotResolveIsRefusedBeforeAnythingIsWritten()
    {
        var name = WebhookHarness.UniqueName();

        var result = await Webhook.PresentAsync(name, "fresh", Webhook.Config(new { instances = new[] { "pdns.invalid" } }));

        result.Message.Should().Contain("'pdns.invalid' of field 'instances' does not resolve");
        (await FirstInstance.TxtAsync(name)).IsNxDomain.Should().BeTrue();
    }
}
