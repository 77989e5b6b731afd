namespace TestSupport;

/// <summary>
/// Three pdns_server processes (PowerDNS 4.7.3 from the host's packages) serving one SQLite database, as several
/// instances behind one Service serve one shared database: the same API and DNS ports on 127.0.0.1, .2 and .3, each with
/// PowerDNS's default caches (20 s answers, 60 s negative answers), so a write through one leaves the others stale.
/// The first is the one <see cref="PowerDnsServer.ApiUrl"/> names.
/// </summary>
public sealed class SharedDatabasePowerDns() : PowerDnsServer(instances: 3)
{
    protected override Task ConfigureAsync(string hostDirectory, string serverDirectory, Dictionary<string, string> environment)
    {
        UseDefaultCaches(environment);
        return Task.CompletedTask;
    }
}
