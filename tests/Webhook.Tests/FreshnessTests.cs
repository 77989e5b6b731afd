namespace Webhook.Tests;

/// <summary>
/// PowerDNS before 4.9.12 can rebuild its packet cache from a stale query cache while other clients query the name,
/// then serve the old answer for the TTL (about one change in five under load, docs/powerdns.md). When Present or CleanUp
/// returns, the very next answer must already be the new one.
/// </summary>
public abstract class FreshnessTests(PowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task TheAnswerAfterPresentAndCleanUpIsFreshWhileOthersQuery()
    {
        var stale = new List<string>();
        for (var round = 0; round < 100; round++)
        {
            var name = WebhookHarness.UniqueName();
            using var load = new CancellationTokenSource();
            var queriers = Enumerable.Range(0, 4).Select(_ => QueryUntilCancelledAsync(name, load.Token)).ToList();

            (await Webhook.PresentAsync(name, "fresh")).Success.Should().BeTrue();
            var afterPresent = await Webhook.Udp.TxtAsync(name);
            (await Webhook.CleanUpAsync(name, "fresh")).Success.Should().BeTrue();
            var afterCleanUp = await Webhook.Udp.TxtAsync(name);

            await load.CancelAsync();
            await Task.WhenAll(queriers);
            if (!afterPresent.Values.SequenceEqual(["fresh"]) || !afterCleanUp.IsNxDomain)
            {
                stale.Add($"round {round}: after Present {afterPresent}, after CleanUp {afterCleanUp}");
            }
        }

        stale.Should().BeEmpty();
    }

    private async Task QueryUntilCancelledAsync(string name, CancellationToken cancellationToken)
    {
        var probe = new DnsProbe(Pdns.DnsPort);
        while (!cancellationToken.IsCancellationRequested)
        {
            await probe.TxtAsync(name);
        }
    }
}

public sealed class FreshnessOnPowerDns47(DebianPowerDnsServer pdns) : FreshnessTests(pdns);

public sealed class FreshnessOnPowerDns49(TrixiePowerDnsServer pdns) : FreshnessTests(pdns);

public sealed class FreshnessOnPowerDns51(ForkyPowerDnsServer pdns) : FreshnessTests(pdns);
