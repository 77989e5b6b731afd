using System.Security.Cryptography.X509Certificates;

namespace TestSupport;

/// <summary>
/// A cluster's PKI as the webhook meets it: the front-proxy CA and its client certificate (CN front-proxy-client,
/// as kubeadm makes it), the client CA, and the serving CA with the webhook's certificate for its Service name, written
/// to files as cert-manager mounts them; the front-proxy CA is written too, for --requestheader-client-ca-file.
/// </summary>
public sealed class Certificates : IDisposable
{
    /// <summary>The name kube-apiserver verifies the webhook's serving certificate for: its Service's.</summary>
    public const string ServiceName = "pdns-webhook.cert-manager.svc";

    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-tls-").FullName;

    public Certificates()
    {
        ServingCertificateFile = Path.Combine(_directory, "tls.crt");
        ServingKeyFile = Path.Combine(_directory, "tls.key");
        FrontProxyCaFile = Path.Combine(_directory, "front-proxy-ca.crt");
        File.WriteAllText(FrontProxyCaFile, FrontProxyCa.CaPem);
        FrontProxyClient = FrontProxyCa.Client("front-proxy-client");
        WriteServing(ServingCa.Server(ServiceName, "pdns-webhook.cert-manager", "pdns-webhook"));
    }

    public TestCertificates FrontProxyCa { get; } = new("front-proxy-ca");

    public TestCertificates ClientCa { get; } = new("kubernetes-ca");

    public TestCertificates ServingCa { get; } = new("pdns-webhook-ca");

    public X509Certificate2 FrontProxyClient { get; }

    public string ServingCertificateFile { get; }

    public string ServingKeyFile { get; }

    public string FrontProxyCaFile { get; }

    /// <summary>Replaces the serving certificate files, as the kubelet does when cert-manager renews the Secret.</summary>
    public void WriteServing(X509Certificate2 certificate)
    {
        File.WriteAllText(ServingKeyFile + ".new", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ServingCertificateFile + ".new", certificate.ExportCertificatePem());
        File.Move(ServingKeyFile + ".new", ServingKeyFile, overwrite: true);
        File.Move(ServingCertificateFile + ".new", ServingCertificateFile, overwrite: true);
    }

    public void Dispose()
    {
        FrontProxyCa.Dispose();
        ClientCa.Dispose();
        ServingCa.Dispose();
        FrontProxyClient.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
