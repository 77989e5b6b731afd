using System.Diagnostics;
using Webhook.Security;

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
    public async Task ABurstFlushesEachInstancePerBatchNotPerName()
    {
        var names = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            names.Add(await PrimedNameAsync());
        }

        var results = await Task.WhenAll(names.Select(name => Webhook.PresentAsync(name, "fresh", Webhook.Config(Instances))));

        results.Should().AllSatisfy(r => r.Success.Should().BeTrue(r.Message));
        using var prometheus = Webhook.Client(Webhook.Pki.FrontProxyClient, "system:kube-aggregator", [KubernetesUser.Masters]);
        var metrics = Exposition.Parse(await prometheus.GetStringAsync("/metrics"));
        var (flushes, batches) = (metrics.Sum("pdns_client_calls_total", ("kind", "cache-flush")), metrics.Sum("pdns_webhook_batch_size_count"));
        Report($"20 Presents at once with {Pdns.Addresses.Count} instances: {batches} batches, {flushes} cache flushes");
        // Per batch: each instance twice, one after the other, and the write's own flush (PowerDNS 4.7.3 and its
        // stale-answer race). A flush per name and instance, 60 calls at once, is what an API with a listen backlog of 10
        // answers slowly or not at all.
        flushes.Should().BeLessThanOrEqualTo(batches * (2 * Pdns.Addresses.Count + 1));
        foreach (var name in names)
        {
            var served = await Task.WhenAll(Pdns.Addresses.Select(a => new DnsProbe(Pdns.DnsPort, address: a).TxtAsync(name)));
            served.Should().AllSatisfy(answer => answer.Values.Should().BeEquivalentTo(["fresh"]), "every instance serves {0} once Present returned", name);
        }
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
