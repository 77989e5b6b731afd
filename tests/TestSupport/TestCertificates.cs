using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TestSupport;

/// <summary>A private CA made in the test, and certificates it signs.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates(string name = "test-ca")
    {
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(3));
    }

    public X509Certificate2 Ca { get; }

    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>A TLS server certificate for 127.0.0.1 and localhost (plus <paramref name="dnsNames"/>), with its key.</summary>
    public X509Certificate2 Server(params string[] dnsNames)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        foreach (var dnsName in dnsNames.Append("localhost"))
        {
            names.AddDnsName(dnsName);
        }

        return Issue("CN=" + dnsNames.Append("localhost").First(), [names.Build(), new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)]);
    }

    /// <summary>
    /// A client certificate: CN = <paramref name="commonName"/> (none when empty), O = each of <paramref name="organizations"/>; with
    /// <paramref name="clientAuth"/> false its only usage is serverAuth. <paramref name="expired"/> makes it a day past its end.
    /// </summary>
    public X509Certificate2 Client(string commonName, IEnumerable<string>? organizations = null, bool clientAuth = true, bool expired = false)
    {
        var subject = string.Join(", ", (commonName.Length > 0 ? new[] { $"CN={commonName}" } : []).Concat((organizations ?? []).Select(o => $"O={o}")));
        var usage = new Oid(clientAuth ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1");
        return Issue(subject, [new X509EnhancedKeyUsageExtension([usage], false)], expired ? DateTimeOffset.UtcNow.AddDays(-1) : null);
    }

    /// <summary>True when <paramref name="certificate"/> chains to this CA.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Issue(string subject, IEnumerable<X509Extension> extensions, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        var signer = X509SignatureGenerator.CreateForECDsa(_caKey);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(1);
        using var issued = request.Create(Ca.SubjectName, signer, end.AddDays(-2), end, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);   // a persisted key, as Kestrel's TLS wants
    }
}
