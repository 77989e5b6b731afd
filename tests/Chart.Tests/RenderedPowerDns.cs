using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DnsClient;
using k8s.Models;

namespace Chart.Tests;

/// <summary>
/// A rendered PowerDNS pod on this host: the image's entrypoint (pdns-image/entrypoint.sh, with Debian's pdns_server, or
/// the image's in its root file system) run with the rendered container's environment, its volumes as directories holding
/// the rendered ConfigMap and Secrets, and free loopback ports instead of the container ports.
/// </summary>
internal sealed class RenderedPowerDns : IAsyncDisposable
{
    private readonly TempFiles _files;
    private readonly ChildProcess _process;
    private readonly string _apiKey;
    private readonly int _apiPort;
    private readonly int _dnsPort;

    private RenderedPowerDns(TempFiles files, ChildProcess process, string apiKey, int apiPort, int dnsPort) =>
        (_files, _process, _apiKey, _apiPort, _dnsPort) = (files, process, apiKey, apiPort, dnsPort);

    public string LivenessProbe { get; private init; } = "";

    /// <summary>The pod's DNS port (UDP and TCP), here on loopback.</summary>
    public int DnsPort => _dnsPort;

    /// <summary>Where the API Service's traffic lands: the pod's API port, here on loopback.</summary>
    public Uri ApiUrl => new($"http://127.0.0.1:{_apiPort}");

    /// <summary>
    /// On SQLite, with this host's PowerDNS. With <paramref name="database"/> (the postgresql backend), in the image's root file
    /// system as the pod's user (this host's PowerDNS has no PostgreSQL backend), the database's role standing in for the
    /// Secret the pod names, and its address for the Service PDNS_PG_HOST names.
    /// </summary>
    public static RenderedPowerDns Start(Rendering rendering, PostgreSqlDatabase? database = null)
    {
        var pod = rendering.PowerDns!.Spec.Template.Spec;
        var container = pod.Containers.Single();
        CheckPorts(pod, container);
        var user = database is null ? null : $"{pod.SecurityContext.RunAsUser}:{pod.SecurityContext.RunAsGroup}";
        var root = database is null ? "/" : TrixiePowerDnsServer.RootFs;
        var files = new TempFiles(database is null ? null : Path.Combine(root, "tmp"));
        var secrets = rendering.All<V1Secret>().Where(s => s.Metadata.NamespaceProperty == ChartRenderer.Namespace)
            .ToDictionary(s => s.Metadata.Name, s => s.Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetString(d.Value)));
        if (database is not null)
        {
            secrets[Pods.SecretEnv(container)["PDNS_PG_USER"].Secret] = new() { ["username"] = database.User, ["password"] = database.Password };
        }

        // Each volume becomes a directory with what Kubernetes would put in it; mount paths are rewritten to them.
        var mounts = container.VolumeMounts.ToDictionary(m => m.MountPath,
            m => "/" + Path.GetRelativePath(root, Volume(pod.Volumes.Single(v => v.Name == m.Name), files, rendering, secrets, writable: user is not null)));
        string MappedPath(string value) => mounts.Where(m => value == m.Key || value.StartsWith(m.Key + "/", StringComparison.Ordinal))
            .Select(m => m.Value + value[m.Key.Length..]).FirstOrDefault() ?? value;
        string Mapped(string value) => value.Split('=', 2) is [var flag, var path] && flag.StartsWith("--", StringComparison.Ordinal)
            ? $"{flag}={MappedPath(path)}" : MappedPath(value);

        var (apiPort, dnsPort) = (Ports.GetFree(), Ports.GetFree());
        var environment = ProcessEnvironment(container, Mapped, secrets, database, apiPort, dnsPort);

        // The image's scripts, a private copy (its seed database is not built here: with zone files, none is used).
        var scripts = files.NewDirectory("pdns-image");
        foreach (var file in new[] { "entrypoint.sh", "postgresql.sh", "pdns.conf" })
        {
            File.Copy(Path.Combine(Repository.PdnsImage, file), Path.Combine(scripts, file));
        }

        string[] enter = user is null ? [] : ["chroot", $"--userspec={user}", root, "/usr/bin/env", "-i", .. environment.Select(e => $"{e.Key}={e.Value}")];
        string[] command = [.. enter, "/bin/bash", "/" + Path.GetRelativePath(root, Path.Combine(scripts, "entrypoint.sh"))];
        var process = new ChildProcess(command[0], command[1..], environment);
        var apiKey = File.ReadAllText(Path.Join(root, environment["PDNS_API_KEY_FILE"]));
        return new RenderedPowerDns(files, process, apiKey, apiPort, dnsPort)
        {
            LivenessProbe = string.Join(" ", enter.Take(user is null ? 0 : 3).Concat(container.LivenessProbe.Exec.Command.Select(Mapped))),
        };
    }

    public LookupClient Dns(bool useTcp) => new(new LookupClientOptions(new NameServer(IPAddress.Loopback, _dnsPort))
    {
        UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2), UseTcpOnly = useTcp, ThrowDnsErrors = false,
    });

    /// <summary>The API (with the rendered key) lists exactly <paramref name="zones"/>; each has its SOA on UDP and TCP; the liveness command passes.</summary>
    public async Task ShouldServeAsync(IReadOnlyList<string> zones)
    {
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_apiPort}"), DefaultRequestHeaders = { { "X-API-Key", _apiKey } } };
        var listed = await Eventually.ReturnsAsync(() => api.GetFromJsonAsync<JsonArray>("/api/v1/servers/localhost/zones"), z => z is not null,
            TimeSpan.FromSeconds(30), ToString);
        listed!.Select(z => z!["name"]!.GetValue<string>()).Should().BeEquivalentTo(zones.Select(z => z + "."), ToString());
        foreach (var zone in zones)
        {
            foreach (var useTcp in new[] { false, true })
            {
                var answer = await Dns(useTcp).QueryAsync(zone, QueryType.SOA);
                answer.Answers.SoaRecords().Should().ContainSingle($"{zone} has its SOA over {(useTcp ? "TCP" : "UDP")}");
            }
        }

        var command = LivenessProbe.Split(' ');
        await using var probe = new ChildProcess(command[0], command[1..]);
        (await probe.WaitForExitAsync(TimeSpan.FromSeconds(10)), probe.Output.Trim()).Should().Be((0, "PONG"), $"the liveness probe `{LivenessProbe}` passes");
    }

    public override string ToString() => _process.ToString();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>The rendered environment, its paths mapped to the volumes' directories, on loopback and free ports.</summary>
    private static Dictionary<string, string> ProcessEnvironment(V1Container container, Func<string, string> mapped,
        Dictionary<string, Dictionary<string, string>> secrets, PostgreSqlDatabase? database, int apiPort, int dnsPort)
    {
        var environment = Pods.Env(container).ToDictionary(e => e.Key, e => mapped(e.Value));
        foreach (var (name, (secret, key)) in Pods.SecretEnv(container))
        {
            environment[name] = secrets[secret][key];
        }

        environment["PDNS_DNS_PORT"] = dnsPort.ToString(CultureInfo.InvariantCulture);
        environment["PDNS_API_PORT"] = apiPort.ToString(CultureInfo.InvariantCulture);
        environment["PDNS_LOCAL_ADDRESS"] = "127.0.0.1";
        environment["PDNS_API_ADDRESS"] = "127.0.0.1";
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        if (database is not null)
        {
            // What the -rw Service would lead to.
            (environment["PDNS_PG_HOST"], environment["PDNS_PG_PORT"], environment["PDNS_PG_DATABASE"]) =
                (database.Host, database.Port.ToString(CultureInfo.InvariantCulture), database.Name);
        }

        return environment;
    }

    private static void CheckPorts(V1PodSpec pod, V1Container container)
    {
        var env = Pods.Env(container);
        env["PDNS_DNS_PORT"].Should().Be(Port(container, "dns-udp")).And.Be(Port(container, "dns-tcp"));
        env["PDNS_API_PORT"].Should().Be(Port(container, "api"));
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe })
        {
            Pods.Resolve(pod, probe.TcpSocket.Port)!.Name.Should().Be("dns-tcp");
        }
    }

    /// <summary>A volume's files, in a new directory: a ConfigMap's or Secret's keys (or its items), or nothing.</summary>
    private static string Volume(V1Volume volume, TempFiles files, Rendering rendering, Dictionary<string, Dictionary<string, string>> secrets, bool writable)
    {
        var dir = files.NewDirectory("volumes/" + volume.Name);
        var data = volume.ConfigMap is { } configMap ? rendering.Get<V1ConfigMap>(configMap.Name).Data
            : volume.Secret is { } secret ? secrets[secret.SecretName] : new Dictionary<string, string>();
        var items = volume.Secret?.Items?.ToDictionary(i => i.Key, i => i.Path) ?? data.Keys.ToDictionary(k => k);
        foreach (var (key, path) in items)
        {
            File.WriteAllText(Path.Combine(dir, path), data[key]);
        }

        if (writable && volume.EmptyDir is not null)
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);   // the pod's fsGroup makes an emptyDir its user's
        }

        return dir;
    }

    private static string Port(V1Container container, string name) =>
        container.Ports.Single(p => p.Name == name).ContainerPort.ToString(CultureInfo.InvariantCulture);
}
