using System.Security.Cryptography.X509Certificates;

namespace E2E.Tests;

/// <summary>
/// The webhook server as a cluster runs it, outside one: TestSupport's <see cref="WebhookProcess"/> with HTTPS, callers
/// authenticated by a front-proxy client certificate (AllowAuthenticated: no kube-apiserver to ask), API keys from files.
/// <see cref="Via"/> is what the hook needs to reach it as cert-manager does through kube-apiserver.
/// </summary>
public sealed class WebhookServer : IAsyncDisposable
{
    private const string Group = "acme.e2e.test";
    private readonly Certificates _pki;
    private readonly WebhookProcess _process;

    private WebhookServer(Certificates pki, WebhookProcess process)
    {
        (_pki, _process) = (pki, process);
        var files = Path.GetDirectoryName(pki.ServingCertificateFile)!;
        var pem = new Dictionary<string, string>
        {
            ["serving-ca.crt"] = pki.ServingCa.CaPem,
            ["client.crt"] = pki.FrontProxyClient.ExportCertificatePem(),
            ["client.key"] = pki.FrontProxyClient.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
        };
        foreach (var (name, text) in pem)
        {
            File.WriteAllText(Path.Combine(files, name), text);
        }

        Via = ["--via", $"https://127.0.0.1:{process.Port}", "--client-cert", Path.Combine(files, "client.crt"), "--client-key", Path.Combine(files, "client.key"),
            "--ca-file", Path.Combine(files, "serving-ca.crt"), "--group-name", Group, "--namespace", "default"];
    }

    /// <summary>The hook's flags to send its calls here.</summary>
    public string[] Via { get; }

    public override string ToString() => _process.ToString();

    public static async Task<WebhookServer> StartAsync(string secretsDirectory)
    {
        var pki = new Certificates();
        var process = await WebhookProcess.StartAsync(WebhookProcessOptions.OutsideCluster(pki, Group, secretsDirectory) with { Flags = ["--log-format", "text"] });
        return new WebhookServer(pki, process);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _pki.Dispose();
    }
}
