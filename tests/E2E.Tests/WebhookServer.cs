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
    private readonly ChildProcess _process;
    private readonly TestCertificates _servingCa = new("pdns-webhook-ca");
    private readonly TestCertificates _frontProxyCa = new("front-proxy-ca");
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-server-").FullName;

    private WebhookServer(string secretsDirectory)
    {
        using var serving = _servingCa.Server();
        using var client = _frontProxyCa.Client("front-proxy-client");
        var files = new Dictionary<string, string>
        {
            ["tls.crt"] = serving.ExportCertificatePem(), ["tls.key"] = serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
            ["serving-ca.crt"] = _servingCa.CaPem, ["front-proxy-ca.crt"] = _frontProxyCa.CaPem,
            ["client.crt"] = client.ExportCertificatePem(), ["client.key"] = client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
        };
        foreach (var (name, text) in files)
        {
            File.WriteAllText(PathOf(name), text);
        }

        var port = Ports.GetFree().ToString(CultureInfo.InvariantCulture);
        _process = new ChildProcess("dotnet", [
            Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), "--group-name", Group, "--secure-port", port, "--bind-address", "127.0.0.1",
            "--tls-cert-file", PathOf("tls.crt"), "--tls-private-key-file", PathOf("tls.key"),
            "--requestheader-client-ca-file", PathOf("front-proxy-ca.crt"), "--requestheader-allowed-names", "front-proxy-client",
            "--authorization-mode", "AllowAuthenticated", "--secrets-dir", secretsDirectory, "--log-format", "text"]);
        Url = new Uri($"https://127.0.0.1:{port}");
        Via = ["--via", Url.ToString(), "--client-cert", PathOf("client.crt"), "--client-key", PathOf("client.key"),
            "--ca-file", PathOf("serving-ca.crt"), "--group-name", Group, "--namespace", "default"];
    }

    public Uri Url { get; }

    /// <summary>The hook's flags to send its calls here.</summary>
    public string[] Via { get; }

    public override string ToString() => _process.ToString();

    public static async Task<WebhookServer> StartAsync(string secretsDirectory)
    {
        var server = new WebhookServer(secretsDirectory);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 served && server._servingCa.Issued(served) },
        });
        await Eventually.ReturnsAsync(() => http.GetAsync(new Uri(server.Url, "readyz")), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), server.ToString);
        return server;
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _servingCa.Dispose();
        _frontProxyCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
