using System.Collections.Concurrent;

namespace Conformance.Tests;

/// <summary>
/// What every case shares, as in a cluster: the fake Kubernetes API (Secrets per namespace, the front-proxy CA in its
/// extension-apiserver-authentication ConfigMap, SubjectAccessReviews allowed), one webhook process reached through
/// the aggregator as cert-manager's service account, and, started on first use, the proxies in front of each PowerDNS.
/// </summary>
public sealed class ConformanceStack : IAsyncLifetime
{
    public const string CertManager = "system:serviceaccount:cert-manager:cert-manager";
    public const string Group = "acme.example.test";
    public const string Solver = "pdns";

    private readonly ConcurrentDictionary<(PowerDnsServer, string), Lazy<Task<ApiEndpoint>>> _endpoints = new();
    private readonly ConcurrentBag<ApiProxy> _proxies = [];
    private readonly ConcurrentDictionary<string, bool> _namespaces = new();
    private readonly Certificates _pki = new();
    private readonly TestCertificates _apiCa = new("pdns-api-ca");
    private FakeKubeApi? _kube;
    private WebhookProcess? _webhook;

    internal FakeKubeApi Kube => _kube ?? throw new InvalidOperationException("not started");

    internal WebhookProcess Webhook => _webhook ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _kube = await FakeKubeApi.StartAsync();
        _kube.PublishAuthentication(_pki.FrontProxyCa, _pki.ClientCa);
        _webhook = await WebhookProcess.StartAsync(WebhookProcessOptions.InCluster(_pki, Group, _kube.Kubeconfig) with
        {
            SolverName = Solver,
            User = CertManager,
            ReadyWithin = TimeSpan.FromSeconds(60),
        });
    }

    /// <summary>Where and how the webhook reaches <paramref name="pdns"/>'s API in <paramref name="variant"/> (a testdata folder).</summary>
    internal Task<ApiEndpoint> EndpointAsync(PowerDnsServer pdns, string variant) =>
        _endpoints.GetOrAdd((pdns, variant), _ => new(() => StartEndpointAsync(pdns, variant))).Value;

    /// <summary>Creates a namespace, as <c>kubectl create namespace</c> would: a name in use is an error.</summary>
    internal void CreateNamespace(string name)
    {
        if (!_namespaces.TryAdd(name, true))
        {
            throw new InvalidOperationException($"namespaces \"{name}\" already exists");
        }
    }

    /// <summary>Deletes a namespace and the Secrets in it.</summary>
    internal void DeleteNamespace(string name)
    {
        foreach (var key in Kube.Secrets.Keys.Where(k => k.Namespace == name))
        {
            Kube.Secrets.TryRemove(key, out _);
        }

        _namespaces.TryRemove(name, out _);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        if (_webhook is not null)
        {
            await _webhook.DisposeAsync();
        }

        if (_kube is not null)
        {
            await _kube.DisposeAsync();
        }

        _apiCa.Dispose();
        _pki.Dispose();
    }

    private async Task<ApiEndpoint> StartEndpointAsync(PowerDnsServer pdns, string variant)
    {
        switch (variant)
        {
            case Variants.Http:
                return new ApiEndpoint(pdns.ApiUrl, pdns.ApiKey, _apiCa.CaPem);
            case Variants.HttpsCaBundle:
                var tls = await ApiProxy.StartTlsAsync(pdns, _apiCa.Server());
                _proxies.Add(tls);
                return new ApiEndpoint(tls.Url, pdns.ApiKey, _apiCa.CaPem);
            case Variants.ProxyBearerPrefix:
                var token = "token-" + Guid.NewGuid().ToString("N");
                var gateway = await ApiProxy.StartGatewayAsync(pdns, certificate: null, token);
                _proxies.Add(gateway);
                return new ApiEndpoint(gateway.Url, token, _apiCa.CaPem);
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, "no such testdata folder");
        }
    }
}
