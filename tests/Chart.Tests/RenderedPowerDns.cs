using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DnsClient;
using k8s.Models;

namespace Chart.Tests;

/// <summary>
/// A rendered PowerDNS pod on this host: the image's entrypoint (pdns-image/entrypoint.sh, with Debian's pdns_server) run
/// with the rendered container's environment, its volumes as directories holding the rendered ConfigMap and Secret, and
/// free loopback ports instead of the container ports.
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

    public static RenderedPowerDns Start(Rendering rendering)
    {
        var pod = rendering.PowerDns!.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var env = Pods.Env(container);
        env["PDNS_DNS_PORT"].Should().Be(Port(container, "dns-udp")).And.Be(Port(container, "dns-tcp"));
        env["PDNS_API_PORT"].Should().Be(Port(container, "api"));
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe })
        {
            Pods.Resolve(pod, probe.TcpSocket.Port)!.Name.Should().Be("dns-tcp");
        }

        var files = new TempFiles();

        // Each volume becomes a directory with what Kubernetes would put in it; mount paths are rewritten to them.
        var mounts = new Dictionary<string, string>();
        string apiKey = "";
        foreach (var volume in pod.Volumes)
        {
            var dir = files.NewDirectory("volumes/" + volume.Name);
            if (volume.ConfigMap is { } configMap)
            {
                foreach (var (name, text) in rendering.Get<V1ConfigMap>(configMap.Name).Data)
                {
                    File.WriteAllText(Path.Combine(dir, name), text);
                }
            }
            else if (volume.Secret is { } secret)
            {
                foreach (var (name, value) in rendering.Get<V1Secret>(secret.SecretName).Data)
                {
                    File.WriteAllBytes(Path.Combine(dir, name), value);
                    apiKey = Encoding.UTF8.GetString(value);
                }
            }

            mounts[container.VolumeMounts.Single(m => m.Name == volume.Name).MountPath] = dir;
        }

        string MappedPath(string value) => mounts.Where(m => value == m.Key || value.StartsWith(m.Key + "/", StringComparison.Ordinal))
            .Select(m => m.Value + value[m.Key.Length..]).FirstOrDefault() ?? value;
        string Mapped(string value) => value.Split('=', 2) is [var flag, var path] && flag.StartsWith("--", StringComparison.Ordinal)
            ? $"{flag}={MappedPath(path)}" : MappedPath(value);
        var (apiPort, dnsPort) = (Ports.GetFree(), Ports.GetFree());
        var environment = env.ToDictionary(e => e.Key, e => Mapped(e.Value));
        environment["PDNS_DNS_PORT"] = dnsPort.ToString(CultureInfo.InvariantCulture);
        environment["PDNS_API_PORT"] = apiPort.ToString(CultureInfo.InvariantCulture);
        environment["PDNS_LOCAL_ADDRESS"] = "127.0.0.1";
        environment["PDNS_API_ADDRESS"] = "127.0.0.1";
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";

        // The image's scripts, a private copy (its seed database is not built here: with zone files, none is used).
        var scripts = files.NewDirectory("pdns-image");
        foreach (var file in new[] { "entrypoint.sh", "pdns.conf" })
        {
            File.Copy(Path.Combine(Repository.PdnsImage, file), Path.Combine(scripts, file));
        }

        var process = new ChildProcess("/bin/bash", [Path.Combine(scripts, "entrypoint.sh")], environment);
        var pdns = new RenderedPowerDns(files, process, apiKey, apiPort, dnsPort)
        {
            LivenessProbe = string.Join(" ", container.LivenessProbe.Exec.Command.Select(Mapped)),
        };
        return pdns;
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

    private static string Port(V1Container container, string name) =>
        container.Ports.Single(p => p.Name == name).ContainerPort.ToString(CultureInfo.InvariantCulture);
}
