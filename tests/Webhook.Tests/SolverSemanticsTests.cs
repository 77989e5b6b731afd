using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>Multi-value TXT as a set (docs/architecture.md decision 2), zone choice and allowedZones, judged by real DNS answers.</summary>
public abstract class SolverSemanticsTests(PowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task TheStrategyFollowsTheServerVersion()
    {
        var name = WebhookHarness.UniqueName();

        await Webhook.PresentAsync(name, "v");
        await Webhook.CleanUpAsync(name, "v");

        var expected = Pdns is RootFsPowerDnsServer ? "Atomic" : "Replace";
        Webhook.Logs.Lines.Where(l => l.Contains($"TXT at {name}", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.OnlyContain(l => l.Contains($"done with {expected}", StringComparison.Ordinal), "PowerDNS {0} is used with {1}", Pdns.Version, expected);
    }

    [Fact]
    public async Task PresentServesTheValueOverUdpAndTcp()
    {
        var name = WebhookHarness.UniqueName();

        var result = await Webhook.PresentAsync(name, "value-1");

        result.Success.Should().BeTrue(result.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("value-1");
        (await Webhook.Tcp.TxtAsync(name)).Values.Should().Equal("value-1");
    }

    [Fact]
    public async Task PresentRepeatedKeepsOneValue()
    {
        var name = WebhookHarness.UniqueName();

        for (var i = 0; i < 3; i++)
        {
            (await Webhook.PresentAsync(name, "value-1")).Success.Should().BeTrue();
        }

        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("value-1");
        (await StoredRecordsAsync(name)).Should().Equal("\"value-1\"");
    }

    [Fact]
    public async Task ASecondKeyCoexistsWithTheFirst()
    {
        var name = WebhookHarness.UniqueName();

        await Webhook.PresentAsync(name, "apex-key");
        var result = await Webhook.PresentAsync(name, "wildcard-key");

        result.Success.Should().BeTrue(result.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().BeEquivalentTo("apex-key", "wildcard-key");
    }

    [Fact]
    public async Task CleanUpRemovesOnlyItsOwnKey()
    {
        var name = WebhookHarness.UniqueName();
        await Webhook.PresentAsync(name, "apex-key");
        await Webhook.PresentAsync(name, "wildcard-key");

        var result = await Webhook.CleanUpAsync(name, "apex-key");

        result.Success.Should().BeTrue(result.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("wildcard-key");
    }

    [Fact]
    public async Task CleanUpOfAnAbsentKeySucceedsAndChangesNothing()
    {
        var name = WebhookHarness.UniqueName();
        var unused = WebhookHarness.UniqueName();
        await Webhook.PresentAsync(name, "kept");

        var onOtherValue = await Webhook.CleanUpAsync(name, "never-presented");
        var onNoRecord = await Webhook.CleanUpAsync(unused, "never-presented");

        onOtherValue.Success.Should().BeTrue(onOtherValue.Message);
        onNoRecord.Success.Should().BeTrue(onNoRecord.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("kept");
    }

    [Fact]
    public async Task TheLastCleanUpLeavesNxDomain()
    {
        var name = WebhookHarness.UniqueName();
        await Webhook.PresentAsync(name, "a");
        await Webhook.PresentAsync(name, "b");

        await Webhook.CleanUpAsync(name, "a");
        var result = await Webhook.CleanUpAsync(name, "b");

        result.Success.Should().BeTrue(result.Message);
        (await Webhook.Udp.TxtAsync(name)).IsNxDomain.Should().BeTrue();
    }

    [Fact]
    public async Task TheZoneIsPowerDnsLongestMatchWhenResolvedZoneIsAParent()
    {
        var name = WebhookHarness.UniqueName("child.example.test.");

        var result = await Webhook.PresentAsync(name, "in-child", resolvedZone: "example.test.");

        result.Success.Should().BeTrue(result.Message);
        (await StoredRecordsAsync(name, zone: "child.example.test.")).Should().Equal("\"in-child\"");
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("in-child");
    }

    [Fact]
    public async Task TheConfiguredZoneOverridesResolvedZone()
    {
        var name = WebhookHarness.UniqueName();

        var result = await Webhook.PresentAsync(name, "v", Webhook.Config(new { zone = "Example.Test" }), resolvedZone: "elsewhere.invalid.");

        result.Success.Should().BeTrue(result.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("v");
    }

    [Fact]
    public async Task AConfiguredZoneThatDoesNotHoldTheNameIsRefused()
    {
        var name = WebhookHarness.UniqueName();

        var result = await Webhook.PresentAsync(name, "v", Webhook.Config(new { zone = "other.test" }));

        result.Success.Should().BeFalse();
        result.Message.Should().Contain("'zone'").And.Contain("other.test.");
    }

    [Fact]
    public async Task ANameOutsideAllowedZonesIsRefusedAndNotWritten()
    {
        var name = WebhookHarness.UniqueName();

        var result = await Webhook.PresentAsync(name, "v", Webhook.Config(new Dictionary<string, object> { ["allowed-zones"] = new[] { "other.test" } }));

        result.Success.Should().BeFalse();
        result.Message.Should().Contain("allowedZones").And.Contain(name);
        (await Webhook.Udp.TxtAsync(name)).IsNxDomain.Should().BeTrue();
    }

    [Fact]
    public async Task ANameInsideAllowedZonesIsWritten()
    {
        var name = WebhookHarness.UniqueName();

        var result = await Webhook.PresentAsync(name, "v", Webhook.Config(new { allowedZones = new[] { "other.test", "example.test." } }));

        result.Success.Should().BeTrue(result.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("v");
    }

    [Theory]
    [InlineData("atomic")]
    [InlineData("replace")]
    public async Task AForcedStrategyIsUsedWhereTheServerSupportsIt(string strategy)
    {
        var name = WebhookHarness.UniqueName();
        var config = Webhook.Config(new { editStrategy = strategy });
        var supported = strategy == "replace" || Pdns is RootFsPowerDnsServer;

        var present = await Webhook.PresentAsync(name, "v", config);
        var cleanUp = await Webhook.CleanUpAsync(name, "v", config);

        present.Success.Should().Be(supported, present.Message);
        cleanUp.Success.Should().Be(supported, cleanUp.Message);
        (await Webhook.Udp.TxtAsync(name)).IsNxDomain.Should().BeTrue();
    }

    [Fact]
    public async Task APrimaryZoneIsEditedAndItsSecondariesNotified()
    {
        using (var api = Pdns.Api())
        {
            (await api.PutAsJsonAsync("/api/v1/servers/localhost/zones/primary.test.", new { kind = "Master" })).EnsureSuccessStatusCode();
        }

        var name = WebhookHarness.UniqueName("primary.test.");

        var present = await Webhook.PresentAsync(name, "v", resolvedZone: "primary.test.");

        present.Success.Should().BeTrue(present.Message);
        (await Webhook.Udp.TxtAsync(name)).Values.Should().Equal("v");
    }

    private async Task<List<string>> StoredRecordsAsync(string name, string zone = "example.test.")
    {
        using var api = Pdns.Api();
        var found = await api.GetFromJsonAsync<JsonObject>($"/api/v1/servers/localhost/zones/{zone}?rrset_name={name}&rrset_type=TXT");
        return [.. found!["rrsets"]!.AsArray().SelectMany(r => r!["records"]!.AsArray()).Select(r => r!["content"]!.GetValue<string>())];
    }
}

public sealed class SolverSemanticsOnPowerDns47(DebianPowerDnsServer pdns) : SolverSemanticsTests(pdns);

public sealed class SolverSemanticsOnPowerDns49(TrixiePowerDnsServer pdns) : SolverSemanticsTests(pdns);

public sealed class SolverSemanticsOnPowerDns51(ForkyPowerDnsServer pdns) : SolverSemanticsTests(pdns);
