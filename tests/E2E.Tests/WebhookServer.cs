using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace E2E.Tests;

/// <summary>
/// The webhook server as a cluster runs it, outside one: HTTPS with a serving certificate, callers authenticated by a
/// front-proxy client certificate (AllowAuthenticated: no kube-apiserver to ask), API keys from files. <see cref="Via"/>
/// is what the hook needs to reach it as cert-manager does through kube-apiserver.
/// </summary>
public sealed class WebhookServer : IAsyncDisposable
{
    private const string Group = "acme.e2e.test";
    private readonly Certificates _pki = new();
    private readonly ChildProcess _process;
    private readonly int _port = Ports.GetFree();

    private WebhookServer(string secretsDirectory)
    {
        var files = Path.GetDirectoryName(_pki.ServingCertificateFile)!;
        var pem = new Dictionary<string, string>
        {
            ["serving-ca.crt"] = _pki.ServingCa.CaPem,
            ["front-proxy-ca.crt"] = _pki.FrontProxyCa.CaPem,
            ["client.crt"] = _pki.FrontProxyClient.ExportCertificatePem(),
            ["client.key"] = _pki.FrontProxyClient.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
        };
        foreach (var (name, text) in pem)
        {
            File.WriteAllText(Path.Combine(files, name), text);
        }

        var port = _port.ToString(CultureInfo.InvariantCulture);
        _process = new ChildProcess("dotnet", [
            Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), "--group-name", Group, "--secure-port", port, "--bind-address", "127.0.0.1",
            "--tls-cert-file", _pki.ServingCertificateFile, "--tls-private-key-file", _pki.ServingKeyFile,
            "--requestheader-client-ca-file", Path.Combine(files, "front-proxy-ca.crt"), "--requestheader-allowed-names", "front-proxy-client",
            "--authorization-mode", "AllowAuthenticated", "--secrets-dir", secretsDirectory, "--log-format", "text"]);
        Via = ["--via", $"https://127.0.0.1:{port}", "--client-cert", Path.Combine(files, "client.crt"), "--client-key", Path.Combine(files, "client.key"),
            "--ca-file", Path.Combine(files, "serving-ca.crt"), "--group-name", Group, "--namespace", "default"];
    }

    /// <summary>The hook's flags to send its calls here.</summary>
    public string[] Via { get; }

    public override string ToString() => _process.ToString();

    public static async Task<WebhookServer> StartAsync(string secretsDirectory)
    {
        var server = new WebhookServer(secretsDirectory);
        using var http = AggregatorClient.Create(server._port, server._pki.ServingCa, certificate: null);
        await Eventually.ReturnsAsync(() => http.GetAsync(new Uri("/readyz", UriKind.Relative)), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), server.ToString);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _pki.Dispose();
    }
}
