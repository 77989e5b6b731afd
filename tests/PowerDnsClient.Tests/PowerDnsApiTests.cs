using Microsoft.Extensions.DependencyInjection;

namespace PowerDnsClient.Tests;

/// <summary>The Refit client against a real PowerDNS: each call we make, as the server really answers it.</summary>
public abstract class PowerDnsApiTests(PowerDnsServer pdns) : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddPowerDnsClient().BuildServiceProvider();

    protected PowerDnsServer Pdns => pdns;

    protected IPowerDnsApi Api(string? key = null) =>
        _services.GetRequiredService<PowerDnsClientFactory>().Create(new PowerDnsEndpoint(pdns.ApiUrl, "localhost", key ?? pdns.ApiKey));

    protected static string UniqueName() => $"_acme-challenge.t{Guid.NewGuid():N}.example.test.";

    [Fact]
    public async Task ServerInfoCarriesTheVersion()
    {
        var server = await Api().GetServerAsync("localhost");

        server.Version.Should().Be(pdns.Version).And.MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public async Task ZonesAreListedAndFoundByExactName()
    {
        var zones = await Api().ListZonesAsync("localhost");
        var found = await Api().FindZoneAsync("localhost", "child.example.test.");
        var missing = await Api().FindZoneAsync("localhost", "nowhere.test.");

        zones.Select(z => z.Name).Should().BeEquivalentTo(PowerDnsServer.Zones);
        zones.Should().OnlyContain(z => z.Kind == "Native" && z.Id == z.Name);
        found.Select(z => z.Name).Should().Equal("child.example.test.");
        missing.Should().BeEmpty();
    }

    [Fact]
    public async Task AReplacedRRSetIsReadBackAloneAndDeletedByAnEmptyReplace()
    {
        var name = UniqueName();
        var rrset = new RRSet(name, "TXT", 60, [new Record("\"a\""), new Record("\"b\"")]) { ChangeType = ChangeType.Replace };

        await Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([rrset]));
        var written = await Api().GetRRSetAsync("localhost", "example.test.", name, "TXT");
        await Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([rrset with { Records = [] }]));
        var deleted = await Api().GetRRSetAsync("localhost", "example.test.", name, "TXT");

        written.RRSets.Should().ContainSingle().Which.Records.Select(r => r.Content).Should().BeEquivalentTo("\"a\"", "\"b\"");
        deleted.RRSets.Should().BeEmpty();
        (await new DnsProbe(pdns.DnsPort).TxtAsync(name)).IsNxDomain.Should().BeTrue();
    }

    [Fact]
    public async Task ACacheFlushAnswersItsCount()
    {
        var flushed = await Api().FlushCacheAsync("localhost", UniqueName());

        flushed.Result.Should().Contain("Flushed");
        flushed.Count.Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task PowerDnsErrorTextReachesTheException()
    {
        var notCanonical = new RRSet("no-trailing-dot.example.test", "TXT", 60, [new Record("\"a\"")]) { ChangeType = ChangeType.Replace };

        var patch = () => Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([notCanonical]));

        var error = (await patch.Should().ThrowAsync<PowerDnsException>()).Which;
        error.StatusCode.Should().Be(System.Net.HttpStatusCode.UnprocessableEntity);
        error.Error.Should().Contain("canonical");
        error.Message.Should().Contain("PATCH").And.Contain($"{pdns.ApiUrl}api/v1/servers/localhost/zones/example.test.").And.Contain("422");
    }

    [Fact]
    public async Task NotifyOfAnUnknownZoneIsA404WithPowerDnsReason()
    {
        var notify = () => Api().NotifyAsync("localhost", "nowhere.test.");

        var error = (await notify.Should().ThrowAsync<PowerDnsException>()).Which;
        error.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        error.Error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task AWrongKeyIs401AndTheKeyIsNowhereInTheError()
    {
        var call = () => Api("wrong-key-4711").ListZonesAsync("localhost");

        var error = (await call.Should().ThrowAsync<PowerDnsException>()).Which;
        error.StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        error.ToString().Should().NotContain("wrong-key-4711").And.NotContain(pdns.ApiKey);
    }

    public void Dispose()
    {
        _services.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class PowerDnsApiOn47(DebianPowerDnsServer pdns) : PowerDnsApiTests(pdns)
{
    [Fact]
    public async Task ExtendIsRejectedBefore4912()
    {
        var extend = new RRSet(UniqueName(), "TXT", 60, [new Record("\"a\"")]) { ChangeType = ChangeType.Extend };

        var patch = () => Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([extend]));

        (await patch.Should().ThrowAsync<PowerDnsException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.UnprocessableEntity);
    }
}

public sealed class PowerDnsApiOn49(TrixiePowerDnsServer pdns) : PowerDnsApiTests(pdns)
{
    [Fact]
    public async Task ExtendAndPruneAreIdempotentAndTheLastPruneDeletesTheName()
    {
        var name = UniqueName();
        RRSet Change(string value, ChangeType type) => new(name, "TXT", 60, [new Record($"\"{value}\"")]) { ChangeType = type };

        await Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([Change("a", ChangeType.Extend), Change("b", ChangeType.Extend)]));
        await Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([Change("a", ChangeType.Extend)]));
        var both = await new DnsProbe(Pdns.DnsPort).TxtAsync(name);
        await Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([Change("a", ChangeType.Prune), Change("zzz", ChangeType.Prune)]));
        var one = await new DnsProbe(Pdns.DnsPort).TxtAsync(name);
        await Api().PatchZoneAsync("localhost", "example.test.", new ZonePatch([Change("b", ChangeType.Prune)]));
        var none = await new DnsProbe(Pdns.DnsPort).TxtAsync(name);

        both.Values.Should().BeEquivalentTo("a", "b");
        one.Values.Should().Equal("b");
        none.IsNxDomain.Should().BeTrue(none.ToString());
    }
}
