using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>cert-manager's side of the HTTP contract (docs/contract.md 1, 2): what it sends, what it must get back.</summary>
public abstract class WireContractTests(PowerDnsServer pdns) : WebhookTest(pdns)
{
    [Theory]
    [InlineData("Present")]
    [InlineData("CleanUp")]
    public async Task TheExactCertManagerBodyGets201WithTheRequestEchoedAndSuccess(string action)
    {
        var body = Webhook.Body(action, WebhookHarness.UniqueName(), "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0");

        using var response = await Webhook.PostAsync(body);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var payload = await response.Content.ReadFromJsonAsync<JsonObject>();
        payload!["kind"]!.GetValue<string>().Should().Be("ChallengePayload");
        payload["apiVersion"]!.GetValue<string>().Should().Be("webhook.acme.cert-manager.io/v1alpha1");
        JsonNode.DeepEquals(payload["request"], JsonNode.Parse(body)!["request"]).Should().BeTrue("the request is echoed unchanged: {0}", payload);
        payload["response"]!.ToJsonString().Should().Be("""{"uid":"","success":true}""");
    }

    [Fact]
    public async Task TheUidIsEchoedInTheResponse()
    {
        var body = Webhook.Body("CleanUp", WebhookHarness.UniqueName(), "k").Replace("\"uid\":\"\"", "\"uid\":\"abc-123\"", StringComparison.Ordinal);

        using var response = await Webhook.PostAsync(body);

        var payload = await response.Content.ReadFromJsonAsync<JsonObject>();
        payload!["response"]!["uid"]!.GetValue<string>().Should().Be("abc-123");
    }

    [Fact]
    public async Task AFailureIsStill201AndCarriesANonEmptyMessage()
    {
        Webhook.Kube.Secrets.Clear();

        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "k");

        result.Success.Should().BeFalse();
        result.Message.Should().NotBeNullOrWhiteSpace();
        result.Payload["response"]!["status"]!["status"]!.GetValue<string>().Should().Be("Failed");
    }

    [Theory]
    [InlineData("{\"request\":", "malformed ChallengePayload")]
    [InlineData("not json", "malformed ChallengePayload")]
    [InlineData("{}", "payload request field cannot be empty")]
    [InlineData("{\"request\":null}", "payload request field cannot be empty")]
    [InlineData("{\"request\":{\"uid\":\"\",\"action\":\"Delete\"}}", "request.action")]
    [InlineData("{\"request\":{\"uid\":\"\",\"action\":1}}", "request.action")]
    [InlineData("{\"request\":{\"uid\":\"\"}}", "request.action must be")]
    public async Task AMalformedPayloadIs400WithAStatus(string body, string message)
    {
        using var response = await Webhook.PostAsync(body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        status!["kind"]!.GetValue<string>().Should().Be("Status");
        status["status"]!.GetValue<string>().Should().Be("Failure");
        status["code"]!.GetValue<int>().Should().Be(400);
        status["message"]!.GetValue<string>().Should().Contain(message);
    }

    [Fact]
    public async Task AWrongContentTypeIs415WithAStatus()
    {
        using var response = await Webhook.PostAsync(Webhook.Body("Present", WebhookHarness.UniqueName(), "k"), "text/plain");

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        status!["message"]!.GetValue<string>().Should().Contain("application/json");
    }

    [Fact]
    public async Task AnUnknownSolverIs404WithAStatus()
    {
        using var response = await Webhook.PostAsync(Webhook.Body("Present", WebhookHarness.UniqueName(), "k"), path: $"/apis/{WebhookHarness.Group}/v1alpha1/cloudflare");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        status!["message"]!.GetValue<string>().Should().Contain("cloudflare");
    }

    [Fact]
    public async Task DiscoveryDescribesTheGroupVersionAndSolverResource()
    {
        var groups = await Webhook.Http.GetFromJsonAsync<JsonObject>("/apis");
        var group = await Webhook.Http.GetFromJsonAsync<JsonObject>($"/apis/{WebhookHarness.Group}");
        var resources = await Webhook.Http.GetFromJsonAsync<JsonObject>($"/apis/{WebhookHarness.Group}/v1alpha1");

        var version = $$"""{"groupVersion":"{{WebhookHarness.Group}}/v1alpha1","version":"v1alpha1"}""";
        groups!.ToJsonString().Should().Be($$"""{"groups":[{"name":"{{WebhookHarness.Group}}","versions":[{{version}}],"preferredVersion":{{version}}}],"kind":"APIGroupList","apiVersion":"v1"}""");
        group!["kind"]!.GetValue<string>().Should().Be("APIGroup");
        group["name"]!.GetValue<string>().Should().Be(WebhookHarness.Group);
        resources!.ToJsonString().Should().Be($$"""{"groupVersion":"{{WebhookHarness.Group}}/v1alpha1","resources":[{"name":"pdns","singularName":"ChallengePayload","namespaced":false,"group":"webhook.acme.cert-manager.io","version":"v1alpha1","kind":"ChallengePayload","verbs":["create"]}],"kind":"APIResourceList","apiVersion":"v1"}""");
    }

    [Theory]
    [InlineData("/openapi/v2", HttpStatusCode.NotFound)]
    [InlineData("/openapi/v3", HttpStatusCode.NotFound)]
    [InlineData("/apis/other.example.com", HttpStatusCode.NotFound)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/readyz", HttpStatusCode.OK)]
    [InlineData("/livez", HttpStatusCode.OK)]
    public async Task OtherPathsAnswerAsTheGoServerDoes(string path, HttpStatusCode expected)
    {
        using var response = await Webhook.Http.GetAsync(path);

        response.StatusCode.Should().Be(expected);
    }
}

public sealed class WireContractOnPowerDns47(DebianPowerDnsServer pdns) : WireContractTests(pdns);

public sealed class WireContractOnPowerDns49(TrixiePowerDnsServer pdns) : WireContractTests(pdns);

public sealed class WireContractOnPowerDns51(ForkyPowerDnsServer pdns) : WireContractTests(pdns);
