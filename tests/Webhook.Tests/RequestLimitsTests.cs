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
    public async Task RequestsToAResourceNotServedLeaveTheConnectionUsableForSolves()
    {
        // An Issuer naming the wrong solver sends its challenges to a resource this webhook does not serve, over the
        // aggregator's HTTP/2 connection that the good Issuers' solves share. A stream answered before its body is read is
        // reset, and Kestrel counts reset streams against the connection until the client acknowledges them: past twice
        // its stream limit (100) it refuses new streams with ENHANCE_YOUR_CALM, solves included.
        using var aggregator = Webhook.Client(Webhook.Pki.FrontProxyClient, WebhookHarness.CertManager, WebhookHarness.CertManagerGroups);
        aggregator.DefaultRequestVersion = HttpVersion.Version20;
        aggregator.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        var misdirected = Webhook.Body("Present", WebhookHarness.UniqueName(), "v", Webhook.Config(new { padding = new string('x', 64 * 1024) }));
        var (answers, solves) = (new List<string>(), new List<string>());

        for (var wave = 0; wave < 4; wave++)
        {
            var wrong = Enumerable.Range(0, 100).Select(_ => AnswerAsync(aggregator, $"/apis/{WebhookHarness.Group}/v1alpha1/cloudflare", misdirected)).ToList();
            var right = Enumerable.Range(0, 20).Select(_ => AnswerAsync(aggregator, WebhookHarness.SolverPath, Webhook.Body("Present", WebhookHarness.UniqueName(), "v"))).ToList();
            answers.AddRange(await Task.WhenAll(wrong));
            solves.AddRange(await Task.WhenAll(right));
        }

        solves.Should().AllBe("201");
        answers.Should().AllBe("404");
    }

    private static async Task<string> AnswerAsync(HttpClient client, string path, string body)
    {
        try
        {
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
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
