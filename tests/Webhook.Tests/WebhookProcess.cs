using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>
/// The webhook as a separate process (the built pdns-webhook.dll), configured by its flags as outside a cluster: the
/// front-proxy CA from a file, AllowAuthenticated, API keys from --secrets-dir. What an in-process lock cannot protect
/// is tested with two of these.
/// </summary>
internal sealed class WebhookProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private WebhookProcess(ChildProcess process, Certificates pki, int port)
    {
        (_process, Port) = (process, port);
        Http = AggregatorClient.Create(port, pki.ServingCa, pki.FrontProxyClient, WebhookHarness.CertManager);
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public static async Task<WebhookProcess> StartAsync(Certificates pki, string frontProxyCaFile, string secretsDir, params string[] flags)
    {
        var port = Ports.GetFree();
        var process = new ChildProcess("dotnet", [
            Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), "--group-name", WebhookHarness.Group,
            "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1",
            "--tls-cert-file", pki.ServingCertificateFile, "--tls-private-key-file", pki.ServingKeyFile,
            "--requestheader-client-ca-file", frontProxyCaFile, "--requestheader-allowed-names", "front-proxy-client",
            "--authorization-mode", "AllowAuthenticated", "--secrets-dir", secretsDir, .. flags]);
        var webhook = new WebhookProcess(process, pki, port);
        await Eventually.ReturnsAsync(() => webhook.Http.GetAsync("/readyz"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), process.ToString);
        return webhook;
    }

    public async Task<ChallengeResult> SolveAsync(string action, string fqdn, string key, JsonNode config)
    {
        using var response = await Http.PostAsync(WebhookHarness.SolverPath,
            new StringContent(CertManagerRequest.Body(action, fqdn, key, "cert-manager", config.DeepClone()), Encoding.UTF8, "application/json"));
        var payload = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var result = payload["response"]!;
        return new ChallengeResult(result["success"]!.GetValue<bool>(), result["status"]?["message"]?.GetValue<string>() ?? "", payload);
    }

    public override string ToString() => _process.ToString();

    /// <summary>What the process printed so far.</summary>
    public string Output => _process.Output;

    public Task TerminateAsync() => _process.TerminateAsync();

    public Task<int> WaitForExitAsync(TimeSpan within) => _process.WaitForExitAsync(within);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
    }
}
