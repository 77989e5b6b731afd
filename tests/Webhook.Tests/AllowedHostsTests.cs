using Webhook.Issuers;

namespace Webhook.Tests;

/// <summary>
/// An Issuer's author chooses 'host' and 'apiKeySecretRef': the operator's --allowed-hosts decides where a key may be
/// sent, and is checked before any Secret is read.
/// </summary>
public sealed class AllowedHostsTests(DebianPowerDnsServer pdns)
{
    [Fact]
    public async Task AHostOutsideTheAllowListFailsBeforeTheSecretIsRead()
    {
        await using var webhook = await WebhookHarness.StartAsync(pdns, settings: new() { ["Webhook:AllowedHosts"] = "pdns.example.net, *.dns.example.org:8081" });
        webhook.Kube.Forbidden[webhook.Namespace] = true;   // a read would say so: the answer must come before it

        var result = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        result.Success.Should().BeFalse();
        result.Message.Should().Contain("'host'").And.Contain("--allowed-hosts").And.Contain($"127.0.0.1:{pdns.ApiUrl.Port}")
            .And.NotContain("may not read secret");
    }

    [Fact]
    public async Task AnAllowedHostAndPortSolves()
    {
        await using var webhook = await WebhookHarness.StartAsync(pdns, settings: new() { ["Webhook:AllowedHosts"] = $"pdns.example.net,127.0.0.1:{pdns.ApiUrl.Port}" });

        var result = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        result.Success.Should().BeTrue(result.Message);
    }

    [Fact]
    public async Task AnInstanceOutsideTheAllowListFailsBeforeTheSecretIsRead()
    {
        // 'instances' get the key too, at host's scheme and port: an allowed 'host' must not carry an unlisted instance.
        await using var webhook = await WebhookHarness.StartAsync(pdns, settings: new() { ["Webhook:AllowedHosts"] = $"127.0.0.1:{pdns.ApiUrl.Port}" });
        webhook.Kube.Forbidden[webhook.Namespace] = true;
        var config = webhook.Config(new { instances = new[] { "127.0.0.1", "collector.evil.test" } });

        var result = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v", config);

        result.Success.Should().BeFalse();
        result.Message.Should().Contain("'instances'").And.Contain($"collector.evil.test:{pdns.ApiUrl.Port}").And.Contain("--allowed-hosts")
            .And.NotContain("may not read secret");
    }

    [Theory]
    [InlineData("pdns.example.net", "https://pdns.example.net/api", true)]
    [InlineData("pdns.example.net", "http://PDNS.example.net:8081", true)]
    [InlineData("pdns.example.net:8081", "http://pdns.example.net:8081", true)]
    [InlineData("pdns.example.net:8081", "http://pdns.example.net:8082", false)]
    [InlineData("pdns.example.net:443", "https://pdns.example.net", true)]
    [InlineData("*.example.net", "https://a.b.example.net", true)]
    [InlineData("*.example.net", "https://example.net", false)]
    [InlineData("*.example.net", "https://evil-example.net", false)]
    [InlineData("*.example.net:8081", "http://pdns.example.net:8081", true)]
    [InlineData("pdns.example.net", "https://pdns.example.net.evil.test", false)]
    [InlineData("[::1]:8081", "http://[::1]:8081", true)]
    [InlineData("", "http://anything.test", true)]
    public void TheAllowListMatchesHostsPortsAndWildcards(string allowed, string host, bool expected)
    {
        var list = HostAllowList.Parse(allowed);

        list.Allows(new Uri(host)).Should().Be(expected);
    }

    [Theory]
    [InlineData("http://pdns.example.net")]
    [InlineData("pdns.example.net:http")]
    [InlineData("*")]
    [InlineData("a.*.example.net")]
    public void AMalformedEntryIsRefused(string allowed)
    {
        var parse = () => HostAllowList.Parse(allowed);

        parse.Should().Throw<FormatException>().WithMessage("*--allowed-hosts*");
    }
}
