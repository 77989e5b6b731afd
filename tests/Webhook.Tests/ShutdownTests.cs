using System.Text.Json.Nodes;
using Webhook.Security;

namespace Webhook.Tests;

/// <summary>Kubernetes stops a pod with SIGTERM: solves already in flight must finish and be served, and the process must exit 0.</summary>
public sealed class ShutdownTests(DebianPowerDnsServer pdns)
{
    [Fact]
    public async Task SigtermDuringTwentyInFlightPresentsLetsEveryOneCompleteAndExitsZero()
    {
        using var pki = new Certificates();
        using var proxyCa = new TestCertificates("proxy-ca");
        using var proxyCertificate = proxyCa.Server();
        await using var slowPowerDns = await ApiProxy.StartGatewayAsync(pdns, proxyCertificate);
        slowPowerDns.Delay = TimeSpan.FromMilliseconds(500);
        var directory = Directory.CreateTempSubdirectory("shutdown-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "secrets", "cert-manager", "pdns"));
        await File.WriteAllTextAsync(Path.Combine(directory, "secrets", "cert-manager", "pdns", "api-key"), ApiProxy.Token);
        var config = new JsonObject
        {
            ["host"] = slowPowerDns.Url.ToString(),
            ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" },
            ["apiKeyHeaderName"] = "Authorization",
            ["apiKeyScheme"] = "Bearer",
            ["headers"] = new JsonObject { [ApiProxy.TenantHeader] = ApiProxy.Tenant },
            ["caBundle"] = proxyCa.CaPem,
        };
        var names = Enumerable.Range(0, 20).Select(_ => WebhookHarness.UniqueName()).ToList();
        await using var webhook = await WebhookReplica.StartAsync(pki, Path.Combine(directory, "secrets"));
        using var metrics = AggregatorClient.Create(webhook.Port, pki.ServingCa, pki.FrontProxyClient, "system:kube-aggregator", [KubernetesUser.Masters]);

        var presents = names.Select(name => webhook.SolveAsync("Present", name, "in-flight", config)).ToList();
        await Eventually.ReturnsAsync(async () => Exposition.Parse(await metrics.GetStringAsync("/metrics")).Sum("http_server_active_requests", ("http_request_method", "POST")),
            active => active >= 20, TimeSpan.FromSeconds(30), webhook.ToString);
        await webhook.Process.TerminateAsync();
        var results = await Task.WhenAll(presents);
        var exitCode = await webhook.Process.WaitForExitAsync(TimeSpan.FromSeconds(40));

        results.Where(r => !r.Success).Should().BeEmpty();
        foreach (var name in names)
        {
            (await new DnsProbe(pdns.DnsPort).TxtAsync(name)).Values.Should().Equal("in-flight");
        }

        exitCode.Should().Be(0, webhook.Process.Output);
        Directory.Delete(directory, recursive: true);
    }
}
