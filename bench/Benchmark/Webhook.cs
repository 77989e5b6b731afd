using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>A published build of the webhook: the command that starts it, and its folder (whose size is measured).</summary>
internal sealed record Build(string Name, string Directory, string FileName, IReadOnlyList<string> Prefix, string Note);

/// <summary>
/// One pdns-webhook process, configured as outside a cluster (README): the front-proxy CA from a file,
/// AllowAuthenticated, API keys from --secrets-dir, JSON logs as in a container. Reached the way kube-apiserver's
/// aggregator reaches it: HTTPS with HTTP/2 on one connection, verifying the serving certificate, presenting the
/// front-proxy client certificate and X-Remote-User.
/// </summary>
internal sealed class Webhook : IAsyncDisposable
{
    public const string Group = "acme.bench.test";
    public const string SecretNamespace = "cert-manager";

    private readonly ChildProcess _process;

    private Webhook(ChildProcess process, HttpClient client) => (_process, Client) = (process, client);

    public HttpClient Client { get; }

    /// <summary>Milliseconds from process start to the first 200 from /readyz.</summary>
    public double ReadyMs { get; private set; }

    public ChildProcess Process => _process;

    public static async Task<Webhook> StartAsync(Build build, Pki pki, string secretsDir)
    {
        var port = Ports.GetFree();
        var started = Stopwatch.GetTimestamp();
        var process = new ChildProcess(build.FileName, [.. build.Prefix,
            "--group-name", Group, "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1",
            "--tls-cert-file", pki.ServingCertificateFile, "--tls-private-key-file", pki.ServingKeyFile,
            "--requestheader-client-ca-file", pki.FrontProxyCaFile, "--requestheader-allowed-names", "front-proxy-client",
            "--authorization-mode", "AllowAuthenticated", "--secrets-dir", secretsDir, "--log-format", "json"]);
        var webhook = new Webhook(process, AggregatorClient(port, pki));
        long ready = 0;
        await Poll.UntilAsync($"webhook {build.Name} /readyz", process, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(5), async () =>
        {
            using var response = await webhook.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            ready = Stopwatch.GetTimestamp();
            return response.IsSuccessStatusCode;
        });
        webhook.ReadyMs = (ready - started) * 1000.0 / Stopwatch.Frequency;
        return webhook;
    }

    /// <summary>POSTs cert-manager's request body for one challenge; null on success, else what failed.</summary>
    public async Task<string?> SolveAsync(string action, string fqdn, string key, PowerDns pdns)
    {
        var request = new JsonObject
        {
            ["uid"] = "",
            ["action"] = action,
            ["type"] = "dns-01",
            ["dnsName"] = fqdn["_acme-challenge.".Length..].TrimEnd('.'),
            ["key"] = key,
            ["resourceNamespace"] = SecretNamespace,
            ["resolvedFQDN"] = fqdn,
            ["resolvedZone"] = PowerDns.Zone,
            ["allowAmbientCredentials"] = false,
            ["config"] = new JsonObject
            {
                ["host"] = pdns.ApiUrl.ToString().TrimEnd('/'),
                ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns-api-key", ["key"] = "api-key" },
            },
        };
        try
        {
            using var response = await Client.PostAsJsonAsync(new Uri($"/apis/{Group}/v1alpha1/pdns", UriKind.Relative), new JsonObject { ["request"] = request });
            var payload = await response.Content.ReadFromJsonAsync<JsonObject>();
            return response.IsSuccessStatusCode && payload?["response"]?["success"]?.GetValue<bool>() == true
                ? null
                : $"HTTP {(int)response.StatusCode}: {payload?["response"]?["status"]?["message"] ?? payload?.ToJsonString()}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    /// <summary>Writes the API key where --secrets-dir expects the Secret cert-manager names in apiKeySecretRef.</summary>
    public static void WriteSecret(string secretsDir, string apiKey)
    {
        var directory = Directory.CreateDirectory(Path.Combine(secretsDir, SecretNamespace, "pdns-api-key"));
        File.WriteAllText(Path.Combine(directory.FullName, "api-key"), apiKey);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }

    private static HttpClient AggregatorClient(int port, Pki pki)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = [pki.FrontProxyClient],
                RemoteCertificateValidationCallback = (_, served, _, errors) =>
                    (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && pki.IsServing(leaf),
            },
        };
        var client = new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Add("X-Remote-User", "system:serviceaccount:cert-manager:cert-manager");
        client.DefaultRequestHeaders.Add("X-Remote-Group", "system:serviceaccounts");
        return client;
    }
}
