using System.Globalization;

namespace Benchmark;

/// <summary>How each pdns_server process of a <see cref="PowerDns"/> is configured and started.</summary>
internal sealed partial class PowerDns
{
    // The first instance creates the database the others open, so each starts once the one before it answers.
    private async Task ApiAnswersAsync(int instance)
    {
        var process = _processes[instance];
        using var api = new HttpClient { BaseAddress = new Uri($"http://{Addresses[instance]}:{ApiPort}"), DefaultRequestHeaders = { { "X-API-Key", ApiKey } } };
        await Eventually.ReturnsAsync(async () => (await api.GetAsync(new Uri("/api/v1/servers/localhost", UriKind.Relative))).IsSuccessStatusCode,
            ok => ok, TimeSpan.FromSeconds(30), process.ToString);
    }

    private static Dictionary<string, string> Settings(string serverDirectory, int dnsPort, int apiPort, string apiKey, int instances)
    {
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

        return environment;
    }

    // The host's PowerDNS directly; the trixie root file system's as the image runs it, as user pdns (install.sh's fixed id).
    private static async Task<ChildProcess> LaunchAsync(bool trixie, string hostDirectory, string entrypoint, Dictionary<string, string> environment)
    {
        if (!trixie)
        {
            return new ChildProcess("/bin/bash", [entrypoint], environment);
        }

        var pdns = File.ReadLines(Path.Combine(RootFs, "etc/passwd")).Select(l => l.Split(':')).Single(f => f[0] == "pdns");
        await using (var chown = new ChildProcess("chown", ["-R", $"{pdns[2]}:{pdns[3]}", hostDirectory]))
        {
            await chown.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        return new ChildProcess("chroot", [$"--userspec={pdns[2]}:{pdns[3]}", RootFs, "/usr/bin/env", "-i",
            .. environment.Select(e => $"{e.Key}={e.Value}"), "/bin/bash", entrypoint]);
    }
}
