namespace Webhook.Tests;

/// <summary>
/// Webhook processes as replicas outside a cluster: one front-proxy PKI, PowerDNS's API key as the Secret
/// cert-manager/pdns (a file under --secrets-dir), and a fake Kubernetes API holding their Leases. Disposing stops and
/// removes everything it started.
/// </summary>
internal sealed class ReplicaPair : IAsyncDisposable
{
    private readonly Certificates _pki = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("replicas-").FullName;
    private readonly List<WebhookProcess> _webhooks = [];

    private ReplicaPair(FakeKubeApi kube) => Kube = kube;

    public FakeKubeApi Kube { get; }

    /// <summary>The flags that make a replica take a Lease in <see cref="Kube"/> around each write.</summary>
    public string[] LeaseFlags => ["--kubeconfig", Kube.Kubeconfig, "--lease-namespace", "pdns-webhook"];

    public static async Task<ReplicaPair> CreateAsync(string apiKey)
    {
        var pair = new ReplicaPair(await FakeKubeApi.StartAsync());
        var secret = Directory.CreateDirectory(Path.Combine(pair._directory, "secrets", "cert-manager", "pdns"));
        await File.WriteAllTextAsync(Path.Combine(secret.FullName, "api-key"), apiKey);
        return pair;
    }

    /// <summary>One replica started with <paramref name="flags"/>, and <paramref name="environment"/> added to its environment.</summary>
    public async Task<WebhookProcess> StartOneAsync(string[] flags, IDictionary<string, string>? environment = null)
    {
        var started = await WebhookReplica.StartAsync(_pki, Path.Combine(_directory, "secrets"), flags, environment);
        _webhooks.Add(started);
        return started;
    }

    /// <summary>Two replicas started at once with <paramref name="flags"/>.</summary>
    public async Task<WebhookProcess[]> StartTwoAsync(params string[] flags)
    {
        var secrets = Path.Combine(_directory, "secrets");
        var started = await Task.WhenAll(WebhookReplica.StartAsync(_pki, secrets, flags), WebhookReplica.StartAsync(_pki, secrets, flags));
        _webhooks.AddRange(started);
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var webhook in _webhooks)
        {
            await webhook.DisposeAsync();
        }

        await Kube.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
