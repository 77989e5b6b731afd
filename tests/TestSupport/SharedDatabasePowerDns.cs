using System.Net;

namespace TestSupport;

/// <summary>
/// Three pdns_server processes (PowerDNS 4.7.3 from the host's packages) serving one SQLite database, as several
/// instances behind one Service serve one shared database: the same API and DNS ports on 127.0.0.1, .2 and .3, each with
/// PowerDNS's default caches (20 s answers, 60 s negative answers), so a write through one leaves the others stale.
/// The first is the one <see cref="PowerDnsServer.ApiUrl"/> and <see cref="PowerDnsServer.DnsPort"/> name.
/// </summary>
public sealed class SharedDatabasePowerDns : PowerDnsServer
{
    private readonly List<ChildProcess> _others = [];

    public IReadOnlyList<IPAddress> Addresses { get; } = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")];

    public override string ToString() => string.Join("\n", _others.Select(o => o.ToString()).Prepend(base.ToString()));

    protected override async Task<ChildProcess> StartAsync(string entrypoint, string directory, Dictionary<string, string> environment)
    {
        environment["PDNS_CACHE_TTL"] = "20";
        environment["PDNS_QUERY_CACHE_TTL"] = "20";
        environment["PDNS_NEGQUERY_CACHE_TTL"] = "60";
        var first = await base.StartAsync(entrypoint, directory, environment);
        await ApiAnswersAsync(Addresses[0], first.ToString);   // it creates the database the others open
        foreach (var address in Addresses.Skip(1))
        {
            var own = new Dictionary<string, string>(environment)
            {
                ["PDNS_LOCAL_ADDRESS"] = address.ToString(),
                ["PDNS_API_ADDRESS"] = address.ToString(),
                ["PDNS_CONFIG_DIR"] = $"{directory}/run-{address}",
            };
            var other = await base.StartAsync(entrypoint, directory, own);
            _others.Add(other);
            await ApiAnswersAsync(address, other.ToString);
        }

        return first;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private async Task ApiAnswersAsync(IPAddress address, Func<string> describe)
    {
        using var api = new HttpClient { BaseAddress = new Uri($"http://{address}:{ApiPort}"), DefaultRequestHeaders = { { "X-API-Key", ApiKey } } };
        await Eventually.ReturnsAsync(() => api.GetStringAsync("/api/v1/servers/localhost"), _ => true, TimeSpan.FromSeconds(30), describe);
    }
}
