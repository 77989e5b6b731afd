using k8s.Models;

namespace Chart.Tests;

/// <summary>Prometheus scraping, values-gated: a ServiceMonitor reaching the webhook's HTTPS port, and the /metrics grant.</summary>
public sealed class MetricsTests(ChartRenderer chart)
{
    private const string Fullname = "acme-dns-pdns-webhook";

    [Fact]
    public async Task NothingForPrometheusUnlessAskedFor()
    {
        var rendering = await chart.RenderAsync(ChartCase.Defaults);

        rendering.Inventory.Should().NotContain(o => o.StartsWith("ServiceMonitor", StringComparison.Ordinal) || o.Contains(":metrics-reader", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheServiceMonitorScrapesTheWebhookOverVerifiedTlsWithAServiceAccountToken()
    {
        var rendering = await chart.RenderAsync(ChartCase.ThreeReplicas);

        var monitor = rendering.All<ServiceMonitorSpec>("ServiceMonitor").Should().ContainSingle().Subject;
        var service = rendering.Get<V1Service>(Fullname);
        monitor.Spec.Selector.MatchLabels.Should().BeEquivalentTo(service.Spec.Selector);
        monitor.Metadata.Labels.Should().Contain("release", "prometheus");
        var endpoint = monitor.Spec.Endpoints.Should().ContainSingle().Subject;
        service.Spec.Ports.Select(p => p.Name).Should().Contain(endpoint.Port);
        (endpoint.Scheme, endpoint.Path).Should().Be(("https", "/metrics"));
        endpoint.BearerTokenFile.Should().Be("/var/run/secrets/kubernetes.io/serviceaccount/token");
        endpoint.TlsConfig.ServerName.Should().Be($"{Fullname}.{ChartRenderer.Namespace}.svc");
        var serving = rendering.All<CertificateSpec>("Certificate").Single(c => c.Metadata.Name == $"{Fullname}-webhook-tls");
        endpoint.TlsConfig.Ca.Secret.Name.Should().Be(serving.Spec.SecretName);
        endpoint.TlsConfig.Ca.Secret.Key.Should().Be("ca.crt");
    }

    [Fact]
    public async Task PrometheusServiceAccountMayGetMetricsAndNothingElse()
    {
        var rendering = await chart.RenderAsync(ChartCase.ThreeReplicas);

        var role = rendering.Get<V1ClusterRole>($"{Fullname}:metrics-reader", @namespace: "");
        role.Rules.Should().ContainSingle().Which.Should().BeEquivalentTo(new { NonResourceURLs = new[] { "/metrics" }, Verbs = new[] { "get" } });
        var binding = rendering.Get<V1ClusterRoleBinding>($"{Fullname}:metrics-reader", @namespace: "");
        binding.RoleRef.Name.Should().Be(role.Metadata.Name);
        binding.Subjects.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = "ServiceAccount", Name = "prometheus-k8s", NamespaceProperty = "monitoring" });
    }
}
