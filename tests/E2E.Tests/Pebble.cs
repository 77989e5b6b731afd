using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace E2E.Tests;

/// <summary>
/// Pebble 2.4 (Debian's), validating DNS-01 against one PowerDNS. Its HTTPS listener gets a certificate from a test CA
/// (the package ships none); it makes a new root at every start, read from its management port.
/// </summary>
public sealed class Pebble : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly TestCertificates _tlsCa;
    private readonly string _directory;

    private Pebble(ChildProcess process, TestCertificates tlsCa, string directory, int port)
    {
        (_process, _tlsCa, _directory) = (process, tlsCa, directory);
        TlsCaFile = Path.Combine(directory, "pebble-tls-ca.pem");
        DirectoryUrl = new Uri($"https://127.0.0.1:{port}/dir");
    }

    /// <summary>The ACME directory.</summary>
    public Uri DirectoryUrl { get; }

    /// <summary>The CA of Pebble's HTTPS listener, for the ACME clients to trust (not the CA that issues certificates).</summary>
    public string TlsCaFile { get; }

    /// <summary>The root that issued certificates chain to.</summary>
    public X509Certificate2 Root { get; private set; } = null!;

    public override string ToString() => _process.ToString();

    public static async Task<Pebble> StartAsync(int dnsPort)
    {
        var directory = Directory.CreateTempSubdirectory("pebble-").FullName;
        var tlsCa = new TestCertificates("pebble-tls-ca");
        using var serving = tlsCa.Server();
        await File.WriteAllTextAsync(Path.Combine(directory, "pebble-tls-ca.pem"), tlsCa.CaPem);
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.crt"), serving.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.key"), serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var (port, managementPort) = (Ports.GetFree(), Ports.GetFree());
        var config = new JsonObject
        {
            ["pebble"] = new JsonObject
            {
                ["listenAddress"] = $"127.0.0.1:{port}",
                ["managementListenAddress"] = $"127.0.0.1:{managementPort}",
                ["certificate"] = Path.Combine(directory, "tls.crt"),
                ["privateKey"] = Path.Combine(directory, "tls.key"),
                // Ports for HTTP-01 and TLS-ALPN-01 validation, which DNS-01 never uses.
                ["httpPort"] = 5002,
                ["tlsPort"] = 5001,
                ["ocspResponderURL"] = "",
                ["externalAccountBindingRequired"] = false,
            },
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "pebble.json"), config.ToJsonString());

        // No validation sleeps; no authorization reuse, so every order really runs DNS-01; no rejected nonces, which
        // dehydrated does not retry. "-strict=false", never "-strict false": Go would drop every flag after "false".
        var process = new ChildProcess("pebble", ["-config", Path.Combine(directory, "pebble.json"),
            "-dnsserver", "127.0.0.1:" + dnsPort.ToString(CultureInfo.InvariantCulture), "-strict=false"], new Dictionary<string, string>
        {
            ["PEBBLE_VA_NOSLEEP"] = "1", ["PEBBLE_AUTHZREUSE"] = "0", ["PEBBLE_WFE_NONCEREJECT"] = "0",
        });
        var pebble = new Pebble(process, tlsCa, directory, port);
        using var management = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && tlsCa.Issued(c) },
        });
        var root = await Eventually.ReturnsAsync(() => management.GetStringAsync(new Uri($"https://127.0.0.1:{managementPort}/roots/0")),
            pem => pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal), TimeSpan.FromSeconds(30), process.ToString);
        pebble.Root = X509Certificate2.CreateFromPem(root);
        return pebble;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Root?.Dispose();
        _tlsCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
