using System.Security.Cryptography.X509Certificates;

namespace Conformance.Tests;

/// <summary>
/// The cluster's PKI as the webhook meets it (from Webhook.Tests): the front-proxy CA and its client certificate
/// (CN front-proxy-client, as kubeadm makes it), the client CA, and the serving CA with the webhook's certificate for
/// its Service name, written to files as cert-manager mounts them.
/// </summary>
internal sealed class Certificates : IDisposable
{
    public const string ServiceName = "pdns-webhook.cert-manager.svc";

    private readonly string _directory = Directory.CreateTempSubdirectory("conformance-tls-").FullName;

    public Certificates()
    {
        ServingCertificateFile = Path.Combine(_directory, "tls.crt");
        ServingKeyFile = Path.Combine(_directory, "tls.key");
        FrontProxyClient = FrontProxyCa.Client("front-proxy-client");
        using var serving = ServingCa.Server(ServiceName, "pdns-webhook.cert-manager", "pdns-webhook");
        File.WriteAllText(ServingKeyFile, serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ServingCertificateFile, serving.ExportCertificatePem());
    }

    public TestCertificates FrontProxyCa { get; } = new("front-proxy-ca");

    public TestCertificates ClientCa { get; } = new("kubernetes-ca");

    public TestCertificates ServingCa { get; } = new("pdns-webhook-ca");

    public X509Certificate2 FrontProxyClient { get; }

    public string ServingCertificateFile { get; }

    public string ServingKeyFile { get; }

    public void Dispose()
    {
        FrontProxyClient.Dispose();
        FrontProxyCa.Dispose();
        ClientCa.Dispose();
        ServingCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
