using System.Net;
using System.Net.Sockets;

namespace Webhook.Tests;

/// <summary>Failures a user must understand from the Challenge status alone; none may show the API key.</summary>
public abstract class UserFacingErrorTests(PowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task AMissingSecretNamesTheSecretAndNamespace()
    {
        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v", Webhook.Config(new { apiKeySecretRef = new { name = "nope", key = "api-key" } }));

        ShouldFail(result, "secret 'nope' not found", $"namespace '{Webhook.Namespace}'");
    }

    [Fact]
    public async Task AMissingKeyInTheSecretNamesTheKeyButNotTheOthers()
    {
        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v", Webhook.Config(new { apiKeySecretRef = new { name = WebhookHarness.SecretName, key = "token" } }));

        ShouldFail(result, $"{Webhook.Namespace}/{WebhookHarness.SecretName}", "no non-empty key 'token'");
        result.Message.Should().NotContain("api-key", "the Secret's other key names are not the caller's business");
    }

    [Fact]
    public async Task ASecretTheWebhookMayNotReadSaysWhatToGrant()
    {
        Webhook.Kube.Forbidden[Webhook.Namespace] = true;

        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        ShouldFail(result, "may not read secret", "'get' on secrets");
    }

    [Fact]
    public async Task AWrongApiKeyReports401()
    {
        Webhook.Kube.Secrets[(Webhook.Namespace, WebhookHarness.SecretName)] = new() { ["api-key"] = "wrong-key-123" };

        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        ShouldFail(result, "401", "make the Secret named by 'apiKeySecretRef' hold PowerDNS's api-key", Pdns.ApiUrl.ToString().TrimEnd('/'));
        result.Message.Should().NotContain("wrong-key-123");
    }

    [Fact]
    public async Task AnUnreachablePowerDnsNamesItsUrl()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}";
        closed.Stop();

        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v", Webhook.Config(new { host = url }));

        ShouldFail(result, url, "Connection refused");
    }

    [Fact]
    public async Task ANameInNoZoneOfTheServerIsReported()
    {
        var result = await Webhook.PresentAsync("_acme-challenge.nowhere.invalid.", "v", resolvedZone: "nowhere.invalid.");

        ShouldFail(result, "has no zone holding '_acme-challenge.nowhere.invalid.': create the zone there");
    }

    [Theory]
    [InlineData("""{"allowedZones":["other.test"]}""", "is outside the issuer's allowedZones (other.test.)")]
    [InlineData("""{"zone":"other.test"}""", "is not inside the configured zone 'other.test.' (field 'zone')")]
    public async Task ANameTheIssuerMayNotTouchFailsBeforeTheSecretIsRead(string extra, string message)
    {
        // The Secret does not exist and PowerDNS is unreachable: only a check made from the config alone can answer.
        var config = Webhook.Config(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(extra));
        config["apiKeySecretRef"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "absent", ["key"] = "api-key" };
        config["host"] = "http://127.0.0.1:9";

        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v", config);

        ShouldFail(result, message);
        result.Message.Should().NotContain("absent").And.NotContain("127.0.0.1:9");
    }

    [Theory]
    [InlineData("""{"ttl":0}""", "'ttl' must be a whole number from 1 to 86400; got 0")]
    [InlineData("""{"timeoutSeconds":"10"}""", "'timeoutSeconds' must be a whole number")]
    [InlineData("""{"host":"ftp://pdns"}""", "'host' must be an http or https URL")]
    [InlineData("""{"editStrategy":"fast"}""", "'editStrategy' must be one of 'auto', 'atomic', 'replace'")]
    [InlineData("""{"apiKey":"secret"}""", "unknown field(s) 'apiKey'")]
    [InlineData("""{"timeout":5,"timeoutSeconds":5}""", "'timeoutSeconds' and 'timeout' mean the same")]
    public async Task ABadConfigValueNamesTheField(string extra, string message)
    {
        var config = Webhook.Config(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(extra));

        var result = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v", config);

        ShouldFail(result, "invalid issuer config", message);
    }

    [Fact]
    public async Task AMissingConfigSaysWhatIsNeeded()
    {
        var body = Webhook.Body("Present", WebhookHarness.UniqueName(), "v").Replace(",\"config\":", ",\"unused\":", StringComparison.Ordinal);

        using var response = await Webhook.PostAsync(body);

        (await response.Content.ReadAsStringAsync()).Should().Contain("'host' and 'apiKeySecretRef'");
    }

    private void ShouldFail(ChallengeResult result, params string[] parts)
    {
        result.Success.Should().BeFalse();
        foreach (var part in parts)
        {
            result.Message.Should().Contain(part);
        }

        result.Message.Should().NotContain(Pdns.ApiKey);
    }
}

public sealed class UserFacingErrorsOnPowerDns47(DebianPowerDnsServer pdns) : UserFacingErrorTests(pdns);

public sealed class UserFacingErrorsOnPowerDns49(TrixiePowerDnsServer pdns) : UserFacingErrorTests(pdns);

public sealed class UserFacingErrorsOnPowerDns51(ForkyPowerDnsServer pdns) : UserFacingErrorTests(pdns);
