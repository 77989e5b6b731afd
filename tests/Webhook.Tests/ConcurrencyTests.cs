namespace Webhook.Tests;

/// <summary>
/// The load that breaks naive solvers (docs/powerdns.md): 4.7 fails most concurrent SQLite writes and loses values to
/// read-modify-write races. Every call must succeed and every value must be served, then nothing may be left.
/// </summary>
public abstract class ConcurrencyTests(PowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task SixtyNamesAndTwentyKeysOnOneNameAllSucceedAndAreAllServed()
    {
        var shared = WebhookHarness.UniqueName();
        var challenges = Enumerable.Range(0, 60).Select(i => (Name: WebhookHarness.UniqueName(), Key: $"name-key-{i}"))
            .Concat(Enumerable.Range(0, 20).Select(i => (Name: shared, Key: $"shared-key-{i:00}-{Guid.NewGuid():N}")))
            .ToList();

        var presents = await Task.WhenAll(challenges.Select(c => Webhook.PresentAsync(c.Name, c.Key)));

        presents.Where(r => !r.Success).Should().BeEmpty();
        foreach (var group in challenges.GroupBy(c => c.Name))
        {
            (await Webhook.Tcp.TxtAsync(group.Key)).Values.Should().BeEquivalentTo(group.Select(c => c.Key), "all values of {0} are served", group.Key);
        }

        var cleanUps = await Task.WhenAll(challenges.Select(c => Webhook.CleanUpAsync(c.Name, c.Key)));

        cleanUps.Where(r => !r.Success).Should().BeEmpty();
        foreach (var name in challenges.Select(c => c.Name).Distinct())
        {
            (await Webhook.Tcp.TxtAsync(name)).IsNxDomain.Should().BeTrue("{0} was cleaned up", name);
        }
    }
}

public sealed class ConcurrencyOnPowerDns47(DebianPowerDnsServer pdns) : ConcurrencyTests(pdns);

public sealed class ConcurrencyOnPowerDns49(TrixiePowerDnsServer pdns) : ConcurrencyTests(pdns);

public sealed class ConcurrencyOnPowerDns51(ForkyPowerDnsServer pdns) : ConcurrencyTests(pdns);
