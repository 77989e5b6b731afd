using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>Outside Kubernetes (--secrets-dir, e.g. the demo), keys are files laid out like mounted Secrets.</summary>
public sealed class FileSecretsTests(DebianPowerDnsServer pdns) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("secrets-").FullName;
    private WebhookHarness _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "cert-manager", "pdns"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "cert-manager", "pdns", "api-key"), pdns.ApiKey + "\n");
        _webhook = await WebhookHarness.StartAsync(pdns, settings: new() { ["Webhook:SecretsDir"] = _directory });
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("cert-manager", "pdns", "api-key", true)]
    [InlineData("cert-manager", "pdns", "other-key", false)]
    [InlineData("default", "pdns", "api-key", false)]
    public async Task TheKeyIsReadFromNamespaceNameAndKeyFolders(string @namespace, string name, string key, bool found)
    {
        var fqdn = WebhookHarness.UniqueName();
        var config = new JsonObject { ["host"] = pdns.ApiUrl.ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = name, ["key"] = key } };
        var request = new JsonObject
        {
            ["uid"] = "", ["action"] = "Present", ["type"] = "dns-01", ["dnsName"] = "x", ["key"] = "v", ["resourceNamespace"] = @namespace,
            ["resolvedFQDN"] = fqdn, ["resolvedZone"] = "example.test.", ["allowAmbientCredentials"] = false, ["config"] = config,
        };
        using var response = await _webhook.Http.PostAsync(WebhookHarness.SolverPath, new StringContent(new JsonObject { ["request"] = request }.ToJsonString(), Encoding.UTF8, "application/json"));

        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!["response"]!;
        answer["success"]!.GetValue<bool>().Should().Be(found, answer.ToJsonString());
        if (!found)
        {
            answer["status"]!["message"]!.GetValue<string>().Should().Contain($"secret '{@namespace}/{name}' has no key '{key}'");
        }
    }
}
