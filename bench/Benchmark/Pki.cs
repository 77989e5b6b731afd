using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Benchmark;

/// <summary>
/// What kube-apiserver and cert-manager give the webhook: a serving certificate for 127.0.0.1 from its own CA, and a
/// front-proxy CA whose client certificate (CN front-proxy-client) lets the caller assert a user, as the aggregator does.
/// </summary>
internal sealed class Pki : IDisposable
{
    private static readonly DateTimeOffset NotBefore = DateTimeOffset.UtcNow.AddHours(-1);
    private static readonly DateTimeOffset NotAfter = DateTimeOffset.UtcNow.AddDays(1);

    public Pki(string directory)
    {
        using var servingCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ServingCa = Ca("pdns-webhook-ca", servingCaKey);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        using var serving = Issue(ServingCa, servingCaKey, "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", names.Build());
        using var frontProxyCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var frontProxyCa = Ca("front-proxy-ca", frontProxyCaKey);
        FrontProxyClient = Issue(frontProxyCa, frontProxyCaKey, "CN=front-proxy-client", "1.3.6.1.5.5.7.3.2");

        ServingCertificateFile = Path.Combine(directory, "serving.crt");
        ServingKeyFile = Path.Combine(directory, "serving.key");
        FrontProxyCaFile = Path.Combine(directory, "front-proxy-ca.crt");
        File.WriteAllText(ServingCertificateFile, serving.ExportCertificatePem());
        File.WriteAllText(ServingKeyFile, (serving.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no key")).ExportPkcs8PrivateKeyPem());
        File.WriteAllText(FrontProxyCaFile, frontProxyCa.ExportCertificatePem());
    }

    public X509Certificate2 ServingCa { get; }

    public X509Certificate2 FrontProxyClient { get; }

    public string ServingCertificateFile { get; }

    public string ServingKeyFile { get; }

    public string FrontProxyCaFile { get; }

    /// <summary>True when the webhook's certificate chains to the serving CA (what the aggregator checks with the APIService's caBundle).</summary>
    public bool IsServing(X509Certificate2 served)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ServingCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(served);
    }

    public void Dispose()
    {
        ServingCa.Dispose();
        FrontProxyClient.Dispose();
    }

    private static X509Certificate2 Ca(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(NotBefore, NotAfter);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, ECDsa caKey, string subject, string usage, X509Extension? names = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        using var signer = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), NotBefore, NotAfter, RandomNumberGenerator.GetBytes(16));
        return signer.CopyWithPrivateKey(key);
    }
}
