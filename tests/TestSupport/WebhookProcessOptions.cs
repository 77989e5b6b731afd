using System.Globalization;

namespace TestSupport;

/// <summary>
/// How a <see cref="WebhookProcess"/> starts: always HTTPS on a free loopback port with <see cref="Pki"/>'s serving
/// certificate; the rest is what the caller's setup needs. <see cref="OutsideCluster"/> and <see cref="InCluster"/> are
/// the two configurations of the README.
/// </summary>
public sealed record WebhookProcessOptions(Certificates Pki, string GroupName)
{
    /// <summary>
    /// What runs before the flags: the pdns-webhook.dll built beside the tests on the installed runtime, unless a published
    /// binary is given, or a prefix such as chroot or unshare.
    /// </summary>
    public IReadOnlyList<string> Command { get; init; } = ["dotnet", Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll")];

    /// <summary>The serving certificate's files as the process sees them (inside a chroot they have other paths).</summary>
    public string ServingCertificateFile { get; init; } = Pki.ServingCertificateFile;

    public string ServingKeyFile { get; init; } = Pki.ServingKeyFile;

    public string? SolverName { get; init; }

    /// <summary>The front-proxy CA from this file; without it, from kube-system/extension-apiserver-authentication.</summary>
    public string? FrontProxyCaFile { get; init; }

    /// <summary>API keys from files under this directory (namespace/name/key) instead of Secrets.</summary>
    public string? SecretsDir { get; init; }

    public string? Kubeconfig { get; init; }

    /// <summary>--authorization-mode; without it the webhook's default (SubjectAccessReviews).</summary>
    public string? AuthorizationMode { get; init; }

    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>Variables added to the process's environment (the runtime's knobs, such as its thread pool's size).</summary>
    public IDictionary<string, string>? Environment { get; init; }

    /// <summary>Who the <see cref="WebhookProcess.Aggregator"/> client acts for (X-Remote-User); null sends no identity headers.</summary>
    public string? User { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>HTTP/2 only, as kube-apiserver's aggregator speaks it; HTTP/1.1 otherwise.</summary>
    public bool Http2 { get; init; }

    public TimeSpan ReadyWithin { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often /readyz is polled: the resolution of <see cref="WebhookProcess.ReadyAfter"/>.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>As outside a cluster: the front-proxy CA from a file, AllowAuthenticated (no kube-apiserver to ask), API keys from files.</summary>
    public static WebhookProcessOptions OutsideCluster(Certificates pki, string groupName, string secretsDir) => new(pki, groupName)
    {
        FrontProxyCaFile = pki.FrontProxyCaFile,
        SecretsDir = secretsDir,
        AuthorizationMode = "AllowAuthenticated",
    };

    /// <summary>As in a cluster: Secrets, the front-proxy CA and SubjectAccessReviews all from the Kubernetes API at <paramref name="kubeconfig"/>.</summary>
    public static WebhookProcessOptions InCluster(Certificates pki, string groupName, string kubeconfig) => new(pki, groupName) { Kubeconfig = kubeconfig };

    /// <summary>The whole command line for a webhook on <paramref name="port"/>.</summary>
    public IEnumerable<string> CommandLine(int port) =>
    [
        .. Command, "--group-name", GroupName, "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1",
        "--tls-cert-file", ServingCertificateFile, "--tls-private-key-file", ServingKeyFile,
        .. Flag("--solver-name", SolverName), .. Flag("--kubeconfig", Kubeconfig), .. Flag("--secrets-dir", SecretsDir),
        .. Flag("--requestheader-client-ca-file", FrontProxyCaFile),
        .. Flag("--requestheader-allowed-names", FrontProxyCaFile is null ? null : "front-proxy-client"),   // kubeadm's CN
        .. Flag("--authorization-mode", AuthorizationMode), .. Flags,
    ];

    private static string[] Flag(string name, string? value) => value is null ? [] : [name, value];
}
