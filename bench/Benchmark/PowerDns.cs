using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// A real pdns_server on 127.0.0.1 started by the bundled image's entrypoint (pdns-image/entrypoint.sh) with one zone,
/// bench.test.: 4.7.3 from the host's Debian packages, or 4.9.18 inside the image's trixie root file system as user pdns.
/// </summary>
internal sealed class PowerDns : IAsyncDisposable
{
    public const string Zone = "bench.test.";
    public const string RootFs = "/var/cache/pdns-webhook/trixie-rootfs";

    private readonly ChildProcess _process;
    private readonly string _hostDirectory;

    private PowerDns(ChildProcess process, string hostDirectory, int apiPort, string apiKey)
    {
        (_process, _hostDirectory, ApiKey) = (process, hostDirectory, apiKey);
        ApiUrl = new Uri($"http://127.0.0.1:{apiPort}");
        Api = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        Api.DefaultRequestHeaders.Add("X-API-Key", apiKey);
    }

    public Uri ApiUrl { get; }

    public string ApiKey { get; }

    /// <summary>A client of the PowerDNS API with the key; every call is a new connection (PowerDNS closes them).</summary>
    public HttpClient Api { get; }

    public string Version { get; private set; } = "";

    public static async Task<PowerDns> StartAsync(string repository, bool trixie, string apiKey)
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

        var server = new PowerDns(process, hostDirectory, apiPort, apiKey);
        await Eventually.ReturnsAsync(async () => (await server.Api.GetAsync(new Uri("/api/v1/servers/localhost", UriKind.Relative))).IsSuccessStatusCode,
            ok => ok, TimeSpan.FromSeconds(30), process.ToString);
        var info = await server.Api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/servers/localhost", UriKind.Relative));
        server.Version = info?["version"]?.GetValue<string>() ?? "?";
        return server;
    }

    /// <summary>Every TXT RRset of the zone, read from the database through the API: name to its (unquoted) values.</summary>
    public async Task<Dictionary<string, HashSet<string>>> TxtRecordsAsync()
    {
        var zone = await Api.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/servers/localhost/zones/{Zone}", UriKind.Relative));
        return (zone?["rrsets"]?.AsArray() ?? []).OfType<JsonObject>()
            .Where(r => r["type"]?.GetValue<string>() == "TXT")
            .ToDictionary(r => r["name"]?.GetValue<string>() ?? "",
                r => (r["records"]?.AsArray() ?? []).Select(x => (x?["content"]?.GetValue<string>() ?? "").Trim('"')).ToHashSet(), StringComparer.OrdinalIgnoreCase);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _process.DisposeAsync();
        await using var remove = new ChildProcess("rm", ["-rf", "--one-file-system", _hostDirectory]);
        await remove.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
