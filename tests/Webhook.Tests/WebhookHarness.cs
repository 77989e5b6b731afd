using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Webhook.Tests;

/// <summary>
/// The webhook in-process (WebApplicationFactory), a fake Kubernetes API holding the PowerDNS key Secret in a fresh
/// namespace, and DNS probes: what every solver test needs. Requests are the exact bytes cert-manager sends.
/// </summary>
internal sealed class WebhookHarness : IAsyncDisposable
{
    public const string Group = "acme.example.test";
    public const string SecretName = "pdns-api";

    private readonly WebApplicationFactory<Program> _app;

    private WebhookHarness(PowerDnsServer pdns, FakeKubeApi kube, WebApplicationFactory<Program> app)
    {
        Pdns = pdns;
        Kube = kube;
        _app = app;
        Http = app.CreateClient();
        Udp = new DnsProbe(pdns.DnsPort);
        Tcp = new DnsProbe(pdns.DnsPort, useTcp: true);
    }

    public PowerDnsServer Pdns { get; }

    public FakeKubeApi Kube { get; }

    public HttpClient Http { get; }

    public DnsProbe Udp { get; }

    public DnsProbe Tcp { get; }

    public string Namespace { get; } = "ns-" + Guid.NewGuid().ToString("N")[..8];

    public static string SolverPath => $"/apis/{Group}/v1alpha1/pdns";

    public static async Task<WebhookHarness> StartAsync(PowerDnsServer pdns, Action<IServiceCollection>? services = null)
    {
        var kube = await FakeKubeApi.StartAsync();
        var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Webhook:GroupName", Group)
            .UseSetting("Webhook:Kubeconfig", kube.Kubeconfig)
            .ConfigureServices(services ?? (_ => { })));
        var harness = new WebhookHarness(pdns, kube, app);
        kube.Secrets[(harness.Namespace, SecretName)] = new() { ["api-key"] = pdns.ApiKey };
        return harness;
    }

    /// <summary>A challenge name nobody else uses, in <paramref name="zone"/>.</summary>
    public static string UniqueName(string zone = "example.test.") => $"_acme-challenge.t{Guid.NewGuid():N}.{zone}";

    /// <summary>The Issuer config: the fixture's PowerDNS and the key Secret, plus <paramref name="extra"/> fields.</summary>
    public JsonObject Config(object? extra = null)
    {
        var config = new JsonObject
        {
            ["host"] = Pdns.ApiUrl.ToString(),
            ["apiKeySecretRef"] = new JsonObject { ["name"] = SecretName, ["key"] = "api-key" },
        };
        foreach (var (name, value) in extra is null ? [] : JsonSerializer.SerializeToNode(extra)!.AsObject())
        {
            config[name] = value?.DeepClone();
        }

        return config;
    }

    /// <summary>cert-manager's request body, field for field (CONTRACT.md 1.3): no apiVersion or kind, uid "", a trailing newline.</summary>
    public string Body(string action, string fqdn, string key, JsonNode? config = null, string? resolvedZone = null)
    {
        var request = new JsonObject
        {
            ["uid"] = "",
            ["action"] = action,
            ["type"] = "dns-01",
            ["dnsName"] = fqdn.Replace("_acme-challenge.", "", StringComparison.Ordinal).TrimEnd('.'),
            ["key"] = key,
            ["resourceNamespace"] = Namespace,
            ["resolvedFQDN"] = fqdn,
            ["resolvedZone"] = resolvedZone ?? "example.test.",
            ["allowAmbientCredentials"] = false,
            ["config"] = config?.DeepClone() ?? Config(),
        };
        return new JsonObject { ["request"] = request }.ToJsonString() + "\n";
    }

    public Task<HttpResponseMessage> PostAsync(string body, string contentType = "application/json", string? path = null) =>
        Http.PostAsync(path ?? SolverPath, new StringContent(body, Encoding.UTF8, contentType));

    /// <summary>Present or CleanUp through the HTTP API; answers cert-manager's view: the response object.</summary>
    public async Task<ChallengeResult> SolveAsync(string action, string fqdn, string key, JsonNode? config = null, string? resolvedZone = null)
    {
        using var response = await PostAsync(Body(action, fqdn, key, config, resolvedZone));
        var payload = await response.Content.ReadFromJsonAsync<JsonObject>();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, "a solver answer is always 201: {0}", payload);
        var result = payload!["response"]!;
        return new ChallengeResult(result["success"]!.GetValue<bool>(), result["status"]?["message"]?.GetValue<string>() ?? "", payload);
    }

    public Task<ChallengeResult> PresentAsync(string fqdn, string key, JsonNode? config = null, string? resolvedZone = null) =>
        SolveAsync("Present", fqdn, key, config, resolvedZone);

    public Task<ChallengeResult> CleanUpAsync(string fqdn, string key, JsonNode? config = null, string? resolvedZone = null) =>
        SolveAsync("CleanUp", fqdn, key, config, resolvedZone);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        await Kube.DisposeAsync();
    }
}
