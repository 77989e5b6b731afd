using System.Diagnostics;

namespace Webhook.Tests;

/// <summary>
/// Several PowerDNS instances on one database, each with PowerDNS's default caches: a write through one purges only
/// that one's caches, so the others keep answering NXDOMAIN for up to a minute. With the Issuer's <c>instances</c>,
/// Present and CleanUp return only once every instance serves the new set; without it, the others are stale.
/// </summary>
public sealed class InstancesTests(SharedDatabasePowerDns pdns) : WebhookTest(pdns), IClassFixture<SharedDatabasePowerDns>
{
    private const int Rounds = 20;
    private readonly List<DnsProbe> _probes = [.. pdns.Addresses.Select(address => new DnsProbe(pdns.DnsPort, address: address))];

    private object Instances => new { instances = pdns.Addresses.Select(a => a.ToString()), dnsPort = pdns.DnsPort };

    [Fact]
    public async Task WithInstancesEveryInstanceServesTheNewSetTheMomentPresentOrCleanUpReturns()
    {
        var (stale, present, cleanUp) = (new List<string>(), new List<double>(), new List<double>());
        for (var round = 0; round < Rounds; round++)
        {
            var name = await PrimedNameAsync();

            present.Add(await TimedAsync(() => Webhook.PresentAsync(name, "fresh", Webhook.Config(Instances))));
            stale.AddRange(await StaleAsync(name, "after Present", answer => answer.Values.SequenceEqual(["fresh"])));
            cleanUp.Add(await TimedAsync(() => Webhook.CleanUpAsync(name, "fresh", Webhook.Config(Instances))));
            stale.AddRange(await StaleAsync(name, "after CleanUp", answer => answer.IsNxDomain));
        }

        Report($"with instances, {Rounds} rounds x {_probes.Count} instances: {stale.Count} stale answers; "
            + $"Present p50 {Percentile(present, 50):0} ms p99 {Percentile(present, 99):0} ms, CleanUp p50 {Percentile(cleanUp, 50):0} ms p99 {Percentile(cleanUp, 99):0} ms");
        stale.Should().BeEmpty();
    }

    [Fact]
    public async Task WithoutInstancesTheOtherInstancesStillAnswerNxDomainAfterPresentReturns()
    {
        var stale = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var name = await PrimedNameAsync();

            (await Webhook.PresentAsync(name, "fresh")).Success.Should().BeTrue();
            stale.AddRange(await StaleAsync(name, "after Present", answer => answer.Values.SequenceEqual(["fresh"])));
        }

        Report($"without instances, {Rounds} rounds x {_probes.Count} instances: {stale.Count} stale answers right after Present");
        stale.Should().Contain(s => s.EndsWith("answered NotExistentDomain []", StringComparison.Ordinal), "only the instance written through purges its caches");
    }

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
        (await _probes[0].TxtAsync(name)).IsNxDomain.Should().BeTrue();
    }

    // A fresh name that every instance has just answered NXDOMAIN for, and keeps in its negative cache.
    private async Task<string> PrimedNameAsync()
    {
        var name = WebhookHarness.UniqueName();
        foreach (var probe in _probes)
        {
            (await probe.TxtAsync(name)).IsNxDomain.Should().BeTrue();
        }

        return name;
    }

    private async Task<List<string>> StaleAsync(string name, string when, Func<TxtAnswer, bool> fresh)
    {
        var answers = await Task.WhenAll(_probes.Select(probe => probe.TxtAsync(name)));
        return [.. answers.Select((answer, i) => (answer, i)).Where(a => !fresh(a.answer)).Select(a => $"{when}: {pdns.Addresses[a.i]} answered {a.answer}")];
    }

    private static async Task<double> TimedAsync(Func<Task<ChallengeResult>> solve)
    {
        var clock = Stopwatch.StartNew();
        var result = await solve();
        result.Success.Should().BeTrue(result.Message);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Percentile(List<double> values, int percentile) =>
        values.Order().ElementAt(Math.Min(values.Count - 1, (int)Math.Ceiling(percentile / 100.0 * values.Count) - 1));

    private static void Report(string figures) => TestContext.Current.TestOutputHelper?.WriteLine(figures);
}
