using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;

namespace Chart.Tests;

/// <summary>
/// The webhook binary (pdns-webhook.dll) started exactly as the rendered Deployment starts it: its args and env, with the
/// mounted serving Secret's path pointing at the files cert-manager would write for the rendered Certificate, a free port
/// for --secure-port, and the Kubernetes API (the kube-system authentication ConfigMap, SubjectAccessReviews, Secrets)
/// faked over HTTP.
/// </summary>
internal sealed class RenderedWebhook : IAsyncDisposable
{
    private readonly TempFiles _files;
    private readonly ChildProcess _process;
    private readonly TestCertificates _servingCa;
    private readonly TestCertificates _frontProxyCa;

    private RenderedWebhook(TempFiles files, ChildProcess process, TestCertificates servingCa, TestCertificates frontProxyCa, int port, string serviceHost) =>
        (_files, _process, _servingCa, _frontProxyCa, Port, ServiceHost) = (files, process, servingCa, frontProxyCa, port, serviceHost);

    public int Port { get; }

    /// <summary>The name the aggregator verifies: the APIService's <c>&lt;service&gt;.&lt;namespace&gt;.svc</c>.</summary>
    public string ServiceHost { get; }

    public static RenderedWebhook Start(Rendering rendering, FakeKubeApi kube)
    {
        var pod = rendering.Webhook.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var apiService = rendering.All<V1APIService>().Single();
        var certificate = rendering.Certificate(apiService.Metadata.Annotations["cert-manager.io/inject-ca-from"].Split('/')[1]);
        // The files below are what cert-manager writes for this key spec.
        certificate.Spec.PrivateKey.Should().BeEquivalentTo(new { Algorithm = "ECDSA", Size = 256, Encoding = "PKCS8" }, o => o.ExcludingMissingMembers());
        var mountPath = Pods.MountPath(pod, container, v => v.Secret?.SecretName == certificate.Spec.SecretName);
        var files = new TempFiles();
        var servingCa = new TestCertificates("ca.cert-manager");
        var frontProxyCa = new TestCertificates("front-proxy-ca");
        kube.AuthenticationConfigMap["requestheader-client-ca-file"] = frontProxyCa.CaPem;
        kube.AuthenticationConfigMap["requestheader-allowed-names"] = "[\"front-proxy-client\"]";
        kube.AuthenticationConfigMap["requestheader-username-headers"] = "[\"X-Remote-User\"]";
        kube.AuthenticationConfigMap["requestheader-group-headers"] = "[\"X-Remote-Group\"]";
        kube.AuthenticationConfigMap["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]";

        // The Secret cert-manager writes for the rendered Certificate, "mounted" where the pod mounts it.
        using var serving = servingCa.Server([.. certificate.Spec.DnsNames!]);
        var tlsDir = files.NewDirectory("tls");
        File.WriteAllText(Path.Combine(tlsDir, "tls.crt"), serving.ExportCertificatePem());
        File.WriteAllText(Path.Combine(tlsDir, "tls.key"), serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(tlsDir, "ca.crt"), servingCa.CaPem);
        var port = Ports.GetFree();
        // A Service name resolves to its pods; here those are processes on loopback, which the allow-list must admit too.
        var args = container.Args.Select(a => a.StartsWith("--secure-port=", StringComparison.Ordinal)
            ? $"--secure-port={port.ToString(CultureInfo.InvariantCulture)}"
            : a.StartsWith("--allowed-hosts=", StringComparison.Ordinal) ? a + ",127.0.0.1"
            : a.Replace($"={mountPath}/", $"={tlsDir}/", StringComparison.Ordinal)).ToList();
        var environment = new Dictionary<string, string>((container.Env ?? []).ToDictionary(e => e.Name, e => e.Value ?? "")) { ["KUBECONFIG"] = kube.Kubeconfig };

        var process = new ChildProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), .. args], environment);
        return new RenderedWebhook(files, process, servingCa, frontProxyCa, port,
            $"{apiService.Spec.Service.Name}.{apiService.Spec.Service.NamespaceProperty}.svc");
    }

    /// <summary>As the kubelet probes: anonymous, no certificate verification.</summary>
    public HttpClient Kubelet() => Client(trustedCa: null, clientCertificate: null);

    /// <summary>As kube-apiserver's aggregator: front-proxy certificate, the caller in X-Remote-*, the serving certificate verified against the injected CA for <see cref="ServiceHost"/>.</summary>
    public HttpClient Aggregator(string user, params string[] groups)
    {
        var client = Client(_servingCa, _frontProxyCa.Client("front-proxy-client"));
        client.DefaultRequestHeaders.Add("X-Remote-User", user);
        foreach (var group in groups)
        {
            client.DefaultRequestHeaders.Add("X-Remote-Group", group);
        }

        return client;
    }

    public override string ToString() => _process.ToString();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _servingCa.Dispose();
        _frontProxyCa.Dispose();
        _files.Dispose();
    }

    private HttpClient Client(TestCertificates? trustedCa, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
                RemoteCertificateValidationCallback = (_, served, _, errors) => trustedCa is null
                    || ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && trustedCa.Issued(leaf)),
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{ServiceHost}:{Port}"), Timeout = TimeSpan.FromSeconds(10) };
    }
}
