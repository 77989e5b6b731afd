using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>The Go apiserver's request limits and decisions, which a caller cannot talk its way around.</summary>
public sealed class RequestLimitsTests(DebianPowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task ABodyOverThreeMebibytesIs413WithAStatus()
    {
        var config = Webhook.Config(new { padding = new string('x', 3 * 1024 * 1024) });

        using var response = await Webhook.PostAsync(Webhook.Body("Present", WebhookHarness.UniqueName(), "v", config));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        status!["kind"]!.GetValue<string>().Should().Be("Status");
        status["code"]!.GetValue<int>().Should().Be(413);
    }

    [Fact]
    public async Task ATrailingSlashOnTheSolverPathIsStillAResourceReview()
    {
        using var response = await Webhook.PostAsync(Webhook.Body("Present", WebhookHarness.UniqueName(), "v"), path: WebhookHarness.SolverPath + "/");

        var spec = Webhook.Kube.ReceivedReviews.Should().ContainSingle().Subject["spec"]!;
        spec["resourceAttributes"].Should().NotBeNull("a solve is authorized as 'create' on the resource, whatever the path's spelling: {0}", spec);
        spec["nonResourceAttributes"].Should().BeNull();
    }

    [Fact]
    public async Task TheAllowedNamesFlagAlsoRestrictsTheClustersFrontProxyConfig()
    {
        await using var webhook = await WebhookHarness.StartAsync(Pdns, settings: new() { ["Webhook:RequestHeaderAllowedNames"] = "aggregator-only" });

        using var response = await webhook.PostAsync(webhook.Body("Present", WebhookHarness.UniqueName(), "v"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "front-proxy-client is allowed by the ConfigMap but not by the flag");
    }

    [Fact]
    public async Task AMalformedBodyUnderTheLimitIsStillA400()
    {
        using var response = await Webhook.Http.PostAsync(WebhookHarness.SolverPath, new StringContent("{\"request\":", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
