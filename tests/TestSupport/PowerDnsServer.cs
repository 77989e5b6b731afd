using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TestSupport;

/// <summary>
/// A real pdns_server on loopback, started by the bundled image's own entrypoint (pdns-image/entrypoint.sh) with the
/// zones of <see cref="Zones"/> as BIND files: PowerDNS 4.7.3 from the host's Debian packages here, 4.9.18 from the
/// image's trixie root file system (<see cref="TrixiePowerDnsServer"/>). With several <paramref name="instances"/>, each
/// serves the same database on its own loopback address and the same ports, as replicas behind one Service do.
/// </summary>
public abstract class PowerDnsServer(int instances = 1) : IAsyncLifetime
{
    /// <summary>A challenge zone, a child zone delegated below it on the same server, another zone, and one with secondaries (made Primary by the tests that use it).</summary>
    public static readonly string[] Zones = ["example.test.", "child.example.test.", "other.test.", "primary.test."];

    private readonly List<ChildProcess> _pdns = [];
    private string? _directory;

    public string ApiKey { get; } = "key-" + Guid.NewGuid().ToString("N");

    public int ApiPort { get; } = Ports.GetFree();

    public int DnsPort { get; } = Ports.GetFree();

    public Uri ApiUrl => new($"http://127.0.0.1:{ApiPort}");

    public string Version { get; private set; } = "";

    /// <summary>The pdns.conf the entrypoint wrote.</summary>
    public string ConfigFile => Path.Combine(_directory ?? "", "run", "pdns.conf");

    /// <summary>Where each instance listens: 127.0.0.1 (the one <see cref="ApiUrl"/> names), then .2, .3 and on.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; } = [.. Enumerable.Range(1, instances).Select(i => new IPAddress([127, 0, 0, (byte)i]))];

    /// <summary>What the processes printed, for failure messages.</summary>
    public override string ToString() => _pdns.Count > 0 ? string.Join("\n", _pdns) : "pdns_server not started";

    /// <summary>The directory the server's files live in, as the host sees it.</summary>
    protected virtual string HostDirectory(string name) => Path.Combine(Path.GetTempPath(), name);

    /// <summary>The same directory as the server sees it.</summary>
    protected virtual string ServerDirectory(string name) => HostDirectory(name);

    /// <summary>Starts the entrypoint; <paramref name="directory"/> is the test's directory as the server sees it.</summary>
    protected virtual Task<ChildProcess> StartAsync(string entrypoint, string directory, Dictionary<string, string> environment) =>
        Task.FromResult(new ChildProcess("/bin/bash", [entrypoint], environment));

    /// <summary>Adds to each instance's entrypoint settings, given the test's directory as the host and as the server see it.</summary>
    protected virtual Task ConfigureAsync(string hostDirectory, string serverDirectory, Dictionary<string, string> environment) => Task.CompletedTask;

    /// <summary>PowerDNS's own cache lifetimes instead of the image's 5 s: 20 s answers, 60 s negative answers.</summary>
    protected static void UseDefaultCaches(Dictionary<string, string> environment)
    {
        environment["PDNS_CACHE_TTL"] = "20";
        environment["PDNS_QUERY_CACHE_TTL"] = "20";
        environment["PDNS_NEGQUERY_CACHE_TTL"] = "60";
    }

    public virtual async ValueTask InitializeAsync()
    {
        var name = "pdns-test-" + Guid.NewGuid().ToString("N");
        var directory = _directory = HostDirectory(name);
        var zonesDir = Path.Combine(directory, "zones");
        Directory.CreateDirectory(zonesDir);

        // A private copy of the image's scripts: another test run may be refreshing the root file system's copy.
        var scripts = Directory.CreateDirectory(Path.Combine(directory, "pdns-image")).FullName;
        foreach (var file in new[] { "entrypoint.sh", "postgresql.sh", "pdns.conf" })
        {
            File.Copy(Path.Combine(Repository.PdnsImage, file), Path.Combine(scripts, file));
        }

        foreach (var zone in Zones)
        {
            await File.WriteAllTextAsync(Path.Combine(zonesDir, zone + "zone"), ZoneFile(zone));
        }

        // The first creates the database the others open, so each starts once the one before it answers.
        foreach (var address in Addresses)
        {
            await StartInstanceAsync(directory, ServerDirectory(name), address);
        }
    }

    private async Task StartInstanceAsync(string hostDir, string serverDir, IPAddress address)
    {
        var settings = Settings(serverDir, address, configDir: _pdns.Count == 0 ? "run" : $"run-{address}");
        await ConfigureAsync(hostDir, serverDir, settings);
        var pdns = await StartAsync($"{serverDir}/pdns-image/entrypoint.sh", serverDir, settings);
        _pdns.Add(pdns);
        using var api = Api(address);
        var server = await Eventually.ReturnsAsync(
            () => api.GetFromJsonAsync<JsonObject>("/api/v1/servers/localhost"), s => s is not null, TimeSpan.FromSeconds(30), pdns.ToString);
        Version = server!["version"]!.GetValue<string>();
    }

    private Dictionary<string, string> Settings(string serverDir, IPAddress address, string configDir) => new()
    {
        ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
        ["PDNS_API_KEY"] = ApiKey,
        ["PDNS_DATA_DIR"] = $"{serverDir}/data",
        ["PDNS_ZONES_DIR"] = $"{serverDir}/zones",
        ["PDNS_CONFIG_DIR"] = $"{serverDir}/{configDir}",
        ["PDNS_LOCAL_ADDRESS"] = address.ToString(),
        ["PDNS_DNS_PORT"] = DnsPort.ToString(CultureInfo.InvariantCulture),
        ["PDNS_API_ADDRESS"] = address.ToString(),
        ["PDNS_API_PORT"] = ApiPort.ToString(CultureInfo.InvariantCulture),
        ["PDNS_WEBSERVER_ALLOW_FROM"] = "127.0.0.0/8",
    };

    /// <summary>A plain HTTP client with the key, for what the product's client does not do (test setup, inspection).</summary>
    public HttpClient Api(IPAddress? address = null) =>
        new() { BaseAddress = new Uri($"http://{address ?? Addresses[0]}:{ApiPort}"), DefaultRequestHeaders = { { "X-API-Key", ApiKey } } };

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var pdns in Enumerable.Reverse(_pdns))
        {
            await pdns.DisposeAsync();
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    // SOA minimum 10 s: resolvers keep NXDOMAIN briefly (docs/powerdns.md). A parent delegates to its child zones.
    private static string ZoneFile(string zone) => $"""
        $ORIGIN {zone}
        $TTL 60
        @ IN SOA ns1.{zone} hostmaster.{zone} 1 3600 600 86400 10
        @ IN NS ns1.{zone}
        ns1 IN A 127.0.0.1
        {string.Concat(Zones.Where(child => child.EndsWith("." + zone, StringComparison.Ordinal)).Select(child => $"{child} IN NS ns1.{child}\n"))}
        """;
}
