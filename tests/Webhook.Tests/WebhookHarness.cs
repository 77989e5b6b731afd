using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Webhook.Tests;

/// <summary>
/// The webhook in-process on real Kestrel with TLS, a fake Kubernetes API (the front-proxy CA in its
/// extension-apiserver-authentication ConfigMap, SubjectAccessReviews, the PowerDNS key Secret in a fresh namespace),
/// and clients that reach it as kube-apiserver's aggregator does: front-proxy client certificate, X-Remote-* headers,
/// the serving certificate verified for the Service name. Requests are the exact bytes cert-manager sends.
/// </summary>
internal sealed class WebhookHarness : IAsyncDisposable
{
    public const string Group = "acme.example.test";
    public const string SecretName = "pdns-api";
    public const string ServiceName = Certificates.ServiceName;
    public const string CertManager = "system:serviceaccount:cert-manager:cert-manager";
    public static readonly string[] CertManagerGroups = ["system:serviceaccounts", "system:serviceaccounts:cert-manager", "system:authenticated"];

    private readonly WebApplicationFactory<Program> _app;

    private WebhookHarness(PowerDnsServer pdns, FakeKubeApi kube, WebApplicationFactory<Program> app, Certificates certificates, CapturedLogs logs)
    {
        Logs = logs;
        Pdns = pdns;
        Kube = kube;
        _app = app;
        Pki = certificates;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        Http = Client(Pki.FrontProxyClient, CertManager);
        Udp = new DnsProbe(pdns.DnsPort);
        Tcp = new DnsProbe(pdns.DnsPort, useTcp: true);
    }

    public PowerDnsServer Pdns { get; }

    public FakeKubeApi Kube { get; }

    public Certificates Pki { get; }

    public int Port { get; }

    /// <summary>The aggregator acting for cert-manager.</summary>
    public HttpClient Http { get; }

    public DnsProbe Udp { get; }

    public DnsProbe Tcp { get; }

    /// <summary>What the webhook logged.</summary>
    public CapturedLogs Logs { get; }

    public string Namespace { get; } = "ns-" + Guid.NewGuid().ToString("N")[..8];

    public IServiceProvider Services => _app.Services;

    public static string SolverPath => $"/apis/{Group}/v1alpha1/pdns";

    public static async Task<WebhookHarness> StartAsync(PowerDnsServer pdns, Action<IServiceCollection>? services = null, Dictionary<string, string>? settings = null)
    {
        var kube = await FakeKubeApi.StartAsync();
        var certificates = new Certificates();
        kube.PublishAuthentication(certificates.FrontProxyCa, certificates.ClientCa);
        var all = new Dictionary<string, string>
        {
            ["Webhook:GroupName"] = Group,
            ["Webhook:Kubeconfig"] = kube.Kubeconfig,
            ["Webhook:SecurePort"] = "0",
            ["Webhook:BindAddress"] = "127.0.0.1",
            ["Webhook:TlsCertFile"] = certificates.ServingCertificateFile,
            ["Webhook:TlsPrivateKeyFile"] = certificates.ServingKeyFile,
            ["Webhook:AuthenticationRefreshSeconds"] = "1",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var logs = new CapturedLogs();
        var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(logs)));
            foreach (var (key, value) in all)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(services ?? (_ => { }));
        });
        app.UseKestrel();
        app.StartServer();
        var harness = new WebhookHarness(pdns, kube, app, certificates, logs);
        kube.Secrets[(harness.Namespace, SecretName)] = new() { ["api-key"] = pdns.ApiKey };
        return harness;
    }

    /// <summary>
    /// One request written by hand over TLS, so that repeated headers travel as separate lines, as the aggregator sends
    /// X-Remote-Group (HttpClient would join them into one comma-separated line). Answers the status code.
    /// </summary>
    public async Task<int> SendRawAsync(X509Certificate2 certificate, string method, string path, IEnumerable<(string Name, string Value)> headers, string body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = ServiceName,
            ClientCertificates = [certificate],
            RemoteCertificateValidationCallback = (_, served, _, errors) =>
                (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && Pki.ServingCa.Issued(leaf),
        });
        var content = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"{method} {path} HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {content.Length}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        await tls.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await tls.WriteAsync(content);
        using var reader = new StreamReader(tls);
        var statusLine = await reader.ReadLineAsync() ?? "";
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A client that reaches this webhook as the aggregator does (<see cref="AggregatorClient"/>).</summary>
    public HttpClient Client(X509Certificate2? certificate, string? user = null, IEnumerable<string>? groups = null, Dictionary<string, string>? headers = null) =>
        AggregatorClient.Create(Port, Pki.ServingCa, certificate, user, groups, headers);

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

    /// <summary>cert-manager's request body for this harness's namespace and PowerDNS (<see cref="CertManagerRequest"/>).</summary>
    public string Body(string action, string fqdn, string key, JsonNode? config = null, string? resolvedZone = null) =>
        CertManagerRequest.Body(action, fqdn, key, Namespace, config?.DeepClone() ?? Config(), resolvedZone);

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
        // Every test that uses the harness also proves the API key never reached a log line.
        Logs.Lines.Should().NotContain(line => line.Contains(Pdns.ApiKey, StringComparison.Ordinal), "the PowerDNS API key must never be logged");
        Http.Dispose();
        await _app.DisposeAsync();
        await Kube.DisposeAsync();
        Pki.Dispose();
    }
}
