using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// A real pdns_server on 127.0.0.1 started by the bundled image's entrypoint (pdns-image/entrypoint.sh) with one zone,
/// bench.test.: 4.7.3 from the host's Debian packages, or 4.9.18 inside the image's trixie root file system as user pdns.
/// With several instances, more pdns_server processes serve the same database (SQLite, or PostgreSQL) on 127.0.0.2, .3,
/// ... with the same ports and PowerDNS's default caches, as several pods behind one Service serve one database.
/// </summary>
internal sealed partial class PowerDns : IAsyncDisposable
{
    public const string Zone = "bench.test.";
    public const string RootFs = "/var/cache/pdns-webhook/trixie-rootfs";

    private readonly List<ChildProcess> _processes;
    private readonly string _hostDirectory;
    private ApiService? _service;

    private PowerDns(List<ChildProcess> processes, string hostDirectory, int apiPort, int dnsPort, string apiKey)
    {
        (_processes, _hostDirectory, ApiKey, DnsPort, ApiPort) = (processes, hostDirectory, apiKey, dnsPort, apiPort);
        (ApiUrl, Api) = (null!, null!);
        UseApi(new Uri($"http://127.0.0.1:{apiPort}"));
    }

    /// <summary>The API the Issuer's <c>host</c> names: the first instance's, or the <see cref="ApiService"/> in front of them all.</summary>
    public Uri ApiUrl { get; private set; }

    public string ApiKey { get; }

    public int DnsPort { get; }

    /// <summary>Every instance's API port, on its own address.</summary>
    public int ApiPort { get; }

    /// <summary>Where each instance answers DNS and its API.</summary>
    public IReadOnlyList<System.Net.IPAddress> Addresses => [.. Enumerable.Range(1, _processes.Count).Select(i => System.Net.IPAddress.Parse($"127.0.0.{i}"))];

    /// <summary>A client of the PowerDNS API with the key; every call is a new connection (PowerDNS closes them).</summary>
    public HttpClient Api { get; private set; }

    public string Version { get; private set; } = "";

    /// <summary>
    /// Starts <paramref name="instances"/> pdns_server processes on one database: SQLite, or <paramref name="database"/>
    /// (PostgreSQL, with the image's own settings for it). With a <paramref name="service"/> address, <see cref="ApiUrl"/>
    /// is an <see cref="ApiService"/> there spreading connections over the instances' APIs, as a Kubernetes Service does.
    /// </summary>
    public static async Task<PowerDns> StartAsync(string repository, bool trixie, string apiKey, int instances = 1,
        PostgreSqlDatabase? database = null, System.Net.IPAddress? service = null)
    {
        var name = "pdns-bench-" + Guid.NewGuid().ToString("N");
        var hostDirectory = trixie ? Path.Combine(RootFs, "tmp", name) : Path.Combine(Path.GetTempPath(), name);
        var serverDirectory = trixie ? "/tmp/" + name : hostDirectory;
        Directory.CreateDirectory(Path.Combine(hostDirectory, "zones"));
        Directory.CreateDirectory(Path.Combine(hostDirectory, "pdns-image"));
        foreach (var file in new[] { "entrypoint.sh", "postgresql.sh", "pdns.conf" })
        {
            File.Copy(Path.Combine(repository, "pdns-image", file), Path.Combine(hostDirectory, "pdns-image", file));
        }

        // SOA minimum 10 s, as the bundled zones: resolvers forget an NXDOMAIN quickly.
        await File.WriteAllTextAsync(Path.Combine(hostDirectory, "zones", Zone + "zone"), $"""
            $ORIGIN {Zone}
            $TTL 60
            @ IN SOA ns1.{Zone} hostmaster.{Zone} 1 3600 600 86400 10
            @ IN NS ns1.{Zone}
            ns1 IN A 127.0.0.1

            """);
        var (dnsPort, apiPort) = (Ports.GetFree(), Ports.GetFree());
        var environment = Settings(serverDirectory, dnsPort, apiPort, apiKey, instances);
        if (database is not null)
        {
            // As a mounted Secret gives it: never in an environment or on a command line.
            await File.WriteAllTextAsync(Path.Combine(hostDirectory, "pg-password"), database.Password + "\n");
            foreach (var (key, value) in database.ImageSettings(serverDirectory + "/pg-password"))
            {
                environment[key] = value;
            }
        }

        var entrypoint = serverDirectory + "/pdns-image/entrypoint.sh";
        var server = new PowerDns([], hostDirectory, apiPort, dnsPort, apiKey);
        for (var i = 1; i <= instances; i++)
        {
            var address = $"127.0.0.{i}";
            var own = i == 1 ? environment : new Dictionary<string, string>(environment)
            {
                ["PDNS_LOCAL_ADDRESS"] = address, ["PDNS_API_ADDRESS"] = address, ["PDNS_CONFIG_DIR"] = $"{serverDirectory}/run-{i}",
            };
            server._processes.Add(await LaunchAsync(trixie, hostDirectory, entrypoint, own));
            await server.ApiAnswersAsync(i - 1);
        }

        var info = await server.Api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/servers/localhost", UriKind.Relative));
        server.Version = info?["version"]?.GetValue<string>() ?? "?";
        if (service is not null)
        {
            server._service = new ApiService(service, apiPort, [.. server.Addresses.Select(a => new System.Net.IPEndPoint(a, apiPort))]);
            server.UseApi(new Uri($"http://{service}:{apiPort}"));
        }

        return server;
    }

    /// <summary>Every TXT RRset of the zone, read from the database through the API: name to its (unquoted) values.</summary>
    public async Task<Dictionary<string, HashSet<string>>> TxtRecordsAsync(string name = Zone)
    {
        var zone = await Api.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/servers/localhost/zones/{name}", UriKind.Relative));
        return (zone?["rrsets"]?.AsArray() ?? []).OfType<JsonObject>()
            .Where(r => r["type"]?.GetValue<string>() == "TXT")
            .ToDictionary(r => r["name"]?.GetValue<string>() ?? "",
                r => (r["records"]?.AsArray() ?? []).Select(x => (x?["content"]?.GetValue<string>() ?? "").Trim('"')).ToHashSet(), StringComparer.OrdinalIgnoreCase);
    }

    private void UseApi(Uri url)
    {
        Api?.Dispose();
        ApiUrl = url;
        Api = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        Api.DefaultRequestHeaders.Add("X-API-Key", ApiKey);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        _service?.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        await using var remove = new ChildProcess("rm", ["-rf", "--one-file-system", _hostDirectory]);
        await remove.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
