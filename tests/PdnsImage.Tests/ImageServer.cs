using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>
/// The image's entrypoint.sh on an <see cref="ImageHost"/>, with settings a test may change between starts and a data
/// directory that outlives restarts. It runs a private copy of the scripts, because rootfs.sh (run by other test
/// assemblies at any time) replaces the root file system's /pdns-image.
/// </summary>
public sealed class ImageServer : IAsyncDisposable
{
    /// <summary>The zone the image ships as its example, and its file.</summary>
    public const string ExampleZone = "intranet.example.com";

    private readonly ImageHost _host;
    private readonly StringBuilder _earlierRuns = new();
    private ChildProcess? _process;

    public ImageServer(ImageHost host)
    {
        _host = host;
        Directory.CreateDirectory(host.HostPath(Path.Join(Dir, "zones")));
        var scripts = Directory.CreateDirectory(host.HostPath(Path.Join(Dir, "pdns-image"))).FullName;
        foreach (var file in new[] { "entrypoint.sh", "postgresql.sh", "pdns.conf" })
        {
            File.Copy(Path.Combine(Repository.PdnsImage, file), Path.Combine(scripts, file));
        }

        Settings = new()
        {
            ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
            ["PDNS_API_KEY"] = ApiKey,
            ["PDNS_DATA_DIR"] = $"{Dir}/data",
            ["PDNS_ZONES_DIR"] = $"{Dir}/zones",
            ["PDNS_CONFIG_DIR"] = $"{Dir}/run",
            ["PDNS_LOCAL_ADDRESS"] = "127.0.0.1",
            ["PDNS_DNS_PORT"] = DnsPort.ToString(CultureInfo.InvariantCulture),
            ["PDNS_API_ADDRESS"] = "127.0.0.1",
            ["PDNS_API_PORT"] = ApiPort.ToString(CultureInfo.InvariantCulture),
            ["PDNS_WEBSERVER_ALLOW_FROM"] = "127.0.0.0/8",
        };
    }

    /// <summary>This server's directory (scripts, zones, data, run) as the server sees it.</summary>
    public string Dir { get; } = "/tmp/pdns-image-test-" + Guid.NewGuid().ToString("N");

    public string ApiKey { get; } = "key-" + Guid.NewGuid().ToString("N");

    public int DnsPort { get; } = Ports.GetFree();

    public int ApiPort { get; } = Ports.GetFree();

    /// <summary>The entrypoint's whole environment (it starts with env -i); read at each start.</summary>
    public Dictionary<string, string> Settings { get; }

    /// <summary>The PID chroot/env started: the entrypoint execs down to pdns_server, so it ends up being pdns_server's.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("not started");

    public Task AddZoneFileAsync(string zone, string text) => File.WriteAllTextAsync(_host.HostPath($"{Dir}/zones/{zone}.zone"), text);

    public Task AddExampleZoneAsync() => AddZoneFileAsync(ExampleZone, File.ReadAllText(Path.Combine(Repository.PdnsImage, "zones", ExampleZone + ".zone")));

    /// <summary>Runs on PostgreSQL (PDNS_BACKEND=postgresql) instead of SQLite, with the password in a file as a mounted Secret gives it.</summary>
    public async Task UsePostgreSqlAsync(PostgreSqlDatabase database)
    {
        await File.WriteAllTextAsync(_host.HostPath($"{Dir}/pg-password"), database.Password + "\n");
        foreach (var (name, value) in database.ImageSettings($"{Dir}/pg-password"))
        {
            Settings[name] = value;
        }
    }

    /// <summary>A PATCH of one TXT RRSet (REPLACE, PRUNE, EXTEND) through this server's API; returns the status.</summary>
    public async Task<HttpStatusCode> PatchTxtAsync(string name, string changeType, params string[] values)
    {
        using var api = Api();
        var records = string.Join(", ", values.Select(v => $$"""{"content": "\"{{v}}\"", "disabled": false}"""));
        using var response = await api.PatchAsync($"/api/v1/servers/localhost/zones/{ExampleZone}.", new StringContent($$"""
            {"rrsets": [{"name": "{{name}}", "type": "TXT", "ttl": 60, "changetype": "{{changeType}}", "records": [{{records}}]}]}
            """, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    /// <summary>Starts the entrypoint, which may fail; see <see cref="WaitForExitAsync"/> and <see cref="StartAndWaitForApiAsync"/>.</summary>
    public async Task StartAsync()
    {
        _process.Should().BeNull("the previous run must be stopped first");
        await _host.GiveToServerUserAsync(Dir);
        _process = _host.Run(Settings, "/bin/bash", $"{Dir}/pdns-image/entrypoint.sh");
    }

    /// <summary>Starts and waits until the API answers with the key; returns the server's version.</summary>
    public async Task<string> StartAndWaitForApiAsync()
    {
        await StartAsync();
        using var api = Api();
        var server = await Eventually.ReturnsAsync(
            () => api.GetFromJsonAsync<JsonObject>("/api/v1/servers/localhost"), s => s is not null, TimeSpan.FromSeconds(30), ToString);
        return server!["version"]!.GetValue<string>();
    }

    /// <summary>For a start that must fail: its exit code, which must come within a few seconds.</summary>
    public async Task<int> WaitForExitAsync()
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        await Eventually.ReturnsAsync(() => Task.FromResult(process.HasExited), exited => exited, TimeSpan.FromSeconds(10), ToString);
        return await process.WaitForExitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Stops as a container runtime does (SIGTERM, then the exit), keeping the data directory.</summary>
    public async Task StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        if (!process.HasExited)
        {
            await using var kill = new ChildProcess("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            (await kill.WaitForExitAsync(TimeSpan.FromSeconds(10))).Should().Be(0, kill.Output);
        }

        await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
        _earlierRuns.Append(process).AppendLine();
        await process.DisposeAsync();
        _process = null;
    }

    /// <summary>The output of the current (or last) run.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>A query on the server's database, run by the image's sqlite3 as the server's user (so no file it leaves is root's).</summary>
    public async Task<IReadOnlyList<string>> QueryAsync(string sql)
    {
        await using var sqlite = _host.Run(new Dictionary<string, string> { ["PATH"] = Settings["PATH"] }, "sqlite3", $"{Dir}/data/pdns.sqlite3", sql);
        (await sqlite.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, sqlite.Output);
        return sqlite.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public HttpClient Api(string? key = null) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}"),
        DefaultRequestHeaders = { { "X-API-Key", key ?? ApiKey } },
        Timeout = TimeSpan.FromSeconds(10),
    };

    public LookupClient Dns(bool tcp = false) => new(new LookupClientOptions(new NameServer(IPAddress.Loopback, DnsPort))
    {
        UseCache = false,
        Retries = 0,
        Timeout = TimeSpan.FromSeconds(2),
        UseTcpOnly = tcp,
        ContinueOnDnsError = true,
        ThrowDnsErrors = false,
    });

    /// <summary>Every run's output, for failure messages.</summary>
    public override string ToString() => $"{_earlierRuns}{_process}";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Delete(_host.HostPath(Dir), recursive: true);
    }
}
