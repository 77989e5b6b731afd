using System.Net;

namespace Benchmark;

/// <summary>
/// The scale curve's replicated setup, as the chart runs it with PostgreSQL: 2 PowerDNS 4.9.18 instances (the image's
/// trixie root file system, with the image's own PostgreSQL settings) on one database, behind one Service address
/// (<see cref="ApiService"/>), and the fake Kubernetes API holding the Leases webhooks take around their writes.
/// </summary>
internal sealed class PostgreSqlReplicas : IAsyncDisposable
{
    private static readonly IPAddress ServiceAddress = IPAddress.Parse("127.0.0.100");
    private readonly PostgreSqlServer _postgreSql;

    private PostgreSqlReplicas(PostgreSqlServer postgreSql, PowerDns pdns, FakeKubeApi kube) => (_postgreSql, Pdns, Kube) = (postgreSql, pdns, kube);

    public PowerDns Pdns { get; }

    public FakeKubeApi Kube { get; }

    /// <summary>What makes a webhook take a Lease in <see cref="Kube"/> around each write, as the chart's replicas do.</summary>
    public string[] LeaseFlags => ["--kubeconfig", Kube.Kubeconfig, "--lease-namespace", "pdns-webhook"];

    public static async Task<PostgreSqlReplicas> StartAsync(string repository, string apiKey)
    {
        var postgreSql = new PostgreSqlServer();
        await postgreSql.InitializeAsync();
        var database = await postgreSql.CreateDatabaseAsync();
        var pdns = await PowerDns.StartAsync(repository, trixie: true, apiKey, instances: 2, database, ServiceAddress);
        return new PostgreSqlReplicas(postgreSql, pdns, await FakeKubeApi.StartAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Kube.DisposeAsync();
        await Pdns.DisposeAsync();
        await _postgreSql.DisposeAsync();
    }
}
