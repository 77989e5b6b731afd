using System.Globalization;

namespace Conformance.Tests;

/// <summary>
/// The built webhook (pdns-webhook.dll) as a separate process, configured as in a cluster: API keys from Kubernetes
/// Secrets and the front-proxy CA from kube-system/extension-apiserver-authentication, both through --kubeconfig to the
/// fake Kubernetes API, and Delegated authorization (SubjectAccessReviews).
/// </summary>
internal sealed class WebhookProcess : IAsyncDisposable
{
    public const string Group = "acme.example.test";
    public const string Solver = "pdns";

    private readonly ChildProcess _process;

    private WebhookProcess(ChildProcess process, HttpClient aggregator) => (_process, Aggregator) = (process, aggregator);

    /// <summary>kube-apiserver's aggregator forwarding for cert-manager's service account.</summary>
    public HttpClient Aggregator { get; }

    public static async Task<WebhookProcess> StartAsync(Certificates pki, FakeKubeApi kube, string user)
    {
        var port = Ports.GetFree();
        var process = new ChildProcess("dotnet", [
            Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), "--group-name", Group, "--solver-name", Solver,
            "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1",
            "--tls-cert-file", pki.ServingCertificateFile, "--tls-private-key-file", pki.ServingKeyFile,
            "--kubeconfig", kube.Kubeconfig]);
        var webhook = new WebhookProcess(process, AggregatorClient.Create(port, pki.ServingCa, pki.FrontProxyClient, user));
        await Eventually.ReturnsAsync(() => webhook.Aggregator.GetAsync("/readyz"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(60), process.ToString);
        return webhook;
    }

    /// <summary>What the webhook printed, for failure messages.</summary>
    public override string ToString() => _process.ToString();

    public async ValueTask DisposeAsync()
    {
        Aggregator.Dispose();
        await _process.DisposeAsync();
    }
}
