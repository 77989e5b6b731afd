using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TestSupport;

/// <summary>
/// A real pdns_server on loopback, started by the bundled image's own entrypoint (pdns-image/entrypoint.sh) with the
/// zones of <see cref="Zones"/> as BIND files: PowerDNS 4.7.3 from the host's Debian packages here, 4.9.18 from the
/// image's trixie root file system (<see cref="TrixiePowerDnsServer"/>).
/// </summary>
public abstract class PowerDnsServer : IAsyncLifetime
{
    /// <summary>A challenge zone, a child zone delegated below it on the same server, another zone, and one with secondaries (made Primary by the tests that use it).</summary>
    public static readonly string[] Zones = ["example.test.", "child.example.test.", "other.test.", "primary.test."];

    private ChildProcess? _pdns;
    private string? _directory;

    public string ApiKey { get; } = "key-" + Guid.NewGuid().ToString("N");

    public int ApiPort { get; } = Ports.GetFree();

    public int DnsPort { get; } = Ports.GetFree();

    public Uri ApiUrl => new($"http://127.0.0.1:{ApiPort}");

    public string Version { get; private set; } = "";

    /// <summary>The pdns.conf the entrypoint wrote.</summary>
    public string ConfigFile => Path.Combine(_directory ?? "", "run", "pdns.conf");

    /// <summary>What the process printed, for failure messages.</summary>
    public override string ToString() => _pdns?.ToString() ?? "pdns_server not started";

    /// <summary>The directory the server's files live in, as the host sees it.</summary>
    protected virtual string HostDirectory(string name) => Path.Combine(Path.GetTempPath(), name);

    /// <summary>The same directory as the server sees it.</summary>
    protected virtual string ServerDirectory(string name) => HostDirectory(name);

    /// <summary>Starts the entrypoint; <paramref name="directory"/> is the test's directory as the server sees it.</summary>
    protected virtual Task<ChildProcess> StartAsync(string entrypoint, string directory, Dictionary<string, string> environment) =>
        Task.FromResult(new ChildProcess("/bin/bash", [entrypoint], environment));

    public virtual async ValueTask InitializeAsync()
    {
        var name = "pdns-test-" + Guid.NewGuid().ToString("N");
        _directory = HostDirectory(name);
        var zonesDir = Path.Combine(_directory, "zones");
        Directory.CreateDirectory(zonesDir);

        // A private copy of the image's scripts: another test run may be refreshing the root file system's copy.
        var scripts = Directory.CreateDirectory(Path.Combine(HostDirectory(name), "pdns-image")).FullName;
        foreach (var file in new[] { "entrypoint.sh", "pdns.conf" })
        {
            File.Copy(Path.Combine(Repository.PdnsImage, file), Path.Combine(scripts, file));
        }

        foreach (var zone in Zones)
        {
            await File.WriteAllTextAsync(Path.Combine(zonesDir, zone + "zone"), ZoneFile(zone));
        }

        var serverDir = ServerDirectory(name);
        _pdns = await StartAsync($"{serverDir}/pdns-image/entrypoint.sh", serverDir, new()
        {
            ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
            ["PDNS_API_KEY"] = ApiKey,
            ["PDNS_DATA_DIR"] = $"{serverDir}/data",
            ["PDNS_ZONES_DIR"] = $"{serverDir}/zones",
            ["PDNS_CONFIG_DIR"] = $"{serverDir}/run",
            ["PDNS_LOCAL_ADDRESS"] = "127.0.0.1",
            ["PDNS_DNS_PORT"] = DnsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PDNS_API_ADDRESS"] = "127.0.0.1",
            ["PDNS_API_PORT"] = ApiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PDNS_WEBSERVER_ALLOW_FROM"] = "127.0.0.0/8",
        });
        var server = await Eventually.ReturnsAsync(
            () => Api().GetFromJsonAsync<JsonObject>("/api/v1/servers/localhost"), s => s is not null, TimeSpan.FromSeconds(30), ToString);
        Version = server!["version"]!.GetValue<string>();
    }

    /// <summary>A plain HTTP client with the key, for what the product's client does not do (test setup, inspection).</summary>
    public HttpClient Api() => new() { BaseAddress = ApiUrl, DefaultRequestHeaders = { { "X-API-Key", ApiKey } } };

    public virtual async ValueTask DisposeAsync()
    {
        if (_pdns is not null)
        {
            await _pdns.DisposeAsync();
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
