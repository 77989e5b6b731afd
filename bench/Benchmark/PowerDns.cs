using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// A real pdns_server on 127.0.0.1 started by the bundled image's entrypoint (pdns-image/entrypoint.sh) with one zone,
/// bench.test.: 4.7.3 from the host's Debian packages, or 4.9.18 inside the image's trixie root file system as user pdns.
/// With several instances (4.7.3 only), more pdns_server processes serve the same SQLite database on 127.0.0.2, .3, ...
/// with the same ports and PowerDNS's default caches, as several pods behind one Service serve one database.
/// </summary>
internal sealed class PowerDns : IAsyncDisposable
{
    public const string Zone = "bench.test.";
    public const string RootFs = "/var/cache/pdns-webhook/trixie-rootfs";

    private readonly List<ChildProcess> _processes;
    private readonly string _hostDirectory;

    private PowerDns(List<ChildProcess> processes, string hostDirectory, int apiPort, int dnsPort, string apiKey)
    {
        (_processes, _hostDirectory, ApiKey, DnsPort) = (processes, hostDirectory, apiKey, dnsPort);
        ApiUrl = new Uri($"http://127.0.0.1:{apiPort}");
        Api = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        Api.DefaultRequestHeaders.Add("X-API-Key", apiKey);
    }

    public Uri ApiUrl { get; }

    public string ApiKey { get; }

    public int DnsPort { get; }

    /// <summary>Where each instance answers DNS and its API (the first is <see cref="ApiUrl"/>'s).</summary>
    public IReadOnlyList<System.Net.IPAddress> Addresses => [.. Enumerable.Range(1, _processes.Count).Select(i => System.Net.IPAddress.Parse($"127.0.0.{i}"))];

    /// <summary>A client of the PowerDNS API with the key; every call is a new connection (PowerDNS closes them).</summary>
    public HttpClient Api { get; }

    public string Version { get; private set; } = "";

    public static async Task<PowerDns> StartAsync(string repository, bool trixie, string apiKey, int instances = 1)
    {
        var name = "pdns-bench-" + Guid.NewGuid().ToString("N");
        var hostDirectory = trixie ? Path.Combine(RootFs, "tmp", name) : Path.Combine(Path.GetTempPath(), name);
        var serverDirectory = trixie ? "/tmp/" + name : hostDirectory;
        Directory.CreateDirectory(Path.Combine(hostDirectory, "zones"));
        Directory.CreateDirectory(Path.Combine(hostDirectory, "pdns-image"));
        foreach (var file in new[] { "entrypoint.sh", "pdns.conf" })
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
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
            ["PDNS_API_KEY"] = apiKey,
            ["PDNS_DATA_DIR"] = serverDirectory + "/data",
            ["PDNS_ZONES_DIR"] = serverDirectory + "/zones",
            ["PDNS_CONFIG_DIR"] = serverDirectory + "/run",
            ["PDNS_LOCAL_ADDRESS"] = "127.0.0.1",
            ["PDNS_DNS_PORT"] = dnsPort.ToString(CultureInfo.InvariantCulture),
            ["PDNS_API_ADDRESS"] = "127.0.0.1",
            ["PDNS_API_PORT"] = apiPort.ToString(CultureInfo.InvariantCulture),
            ["PDNS_WEBSERVER_ALLOW_FROM"] = "127.0.0.0/8",
            ["PDNS_LOGLEVEL"] = "3",
        };
        if (instances > 1)
        {
            // The caches PowerDNS ships with (the image sets 5 s): a write through one instance leaves the others stale.
            (environment["PDNS_CACHE_TTL"], environment["PDNS_QUERY_CACHE_TTL"], environment["PDNS_NEGQUERY_CACHE_TTL"]) = ("20", "20", "60");
        }

        var entrypoint = serverDirectory + "/pdns-image/entrypoint.sh";
        ChildProcess process;
        if (trixie)
        {
            // The image runs PowerDNS as user pdns (install.sh's fixed id).
            var pdns = File.ReadLines(Path.Combine(RootFs, "etc/passwd")).Select(l => l.Split(':')).Single(f => f[0] == "pdns");
            await using (var chown = new ChildProcess("chown", ["-R", $"{pdns[2]}:{pdns[3]}", hostDirectory]))
            {
                await chown.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }

            process = new ChildProcess("chroot", [$"--userspec={pdns[2]}:{pdns[3]}", RootFs, "/usr/bin/env", "-i",
                .. environment.Select(e => $"{e.Key}={e.Value}"), "/bin/bash", entrypoint]);
        }
        else
        {
            process = new ChildProcess("/bin/bash", [entrypoint], environment);
        }

        var server = new PowerDns([process], hostDirectory, apiPort, dnsPort, apiKey);
        await ApiAnswersAsync(server.Api, process);
        for (var i = 2; i <= instances; i++)
        {
            var address = $"127.0.0.{i}";
            var own = new Dictionary<string, string>(environment)
            {
                ["PDNS_LOCAL_ADDRESS"] = address, ["PDNS_API_ADDRESS"] = address, ["PDNS_CONFIG_DIR"] = $"{serverDirectory}/run-{i}",
            };
            var other = new ChildProcess("/bin/bash", [entrypoint], own);
            server._processes.Add(other);
            using var api = new HttpClient { BaseAddress = new Uri($"http://{address}:{apiPort}"), DefaultRequestHeaders = { { "X-API-Key", apiKey } } };
            await ApiAnswersAsync(api, other);
        }

        var info = await server.Api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/servers/localhost", UriKind.Relative));
        server.Version = info?["version"]?.GetValue<string>() ?? "?";
        return server;
    }

    private static async Task ApiAnswersAsync(HttpClient api, ChildProcess process) => await Eventually.ReturnsAsync(
        async () => (await api.GetAsync(new Uri("/api/v1/servers/localhost", UriKind.Relative))).IsSuccessStatusCode,
        ok => ok, TimeSpan.FromSeconds(30), process.ToString);

    /// <summary>Every TXT RRset of the zone, read from the database through the API: name to its (unquoted) values.</summary>
    public async Task<Dictionary<string, HashSet<string>>> TxtRecordsAsync(string name = Zone)
    {
        var zone = await Api.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/servers/localhost/zones/{name}", UriKind.Relative));
        return (zone?["rrsets"]?.AsArray() ?? []).OfType<JsonObject>()
            .Where(r => r["type"]?.GetValue<string>() == "TXT")
            .ToDictionary(r => r["name"]?.GetValue<string>() ?? "",
                r => (r["records"]?.AsArray() ?? []).Select(x => (x?["content"]?.GetValue<string>() ?? "").Trim('"')).ToHashSet(), StringComparer.OrdinalIgnoreCase);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        await using var remove = new ChildProcess("rm", ["-rf", "--one-file-system", _hostDirectory]);
        await remove.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
