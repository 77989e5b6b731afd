namespace Conformance.Tests;

/// <summary>The solver-config cases: the folders of testdata/, each a config.json plus the manifests it needs.</summary>
internal static class Variants
{
    /// <summary>The PowerDNS API as it is: plain HTTP, X-API-Key.</summary>
    public const string Http = "http";

    /// <summary>HTTPS through a TLS proxy whose certificate comes from a private CA, given as caBundle.</summary>
    public const string HttpsCaBundle = "https-ca-bundle";

    /// <summary>A gateway under a path prefix wanting Authorization: Bearer and an extra header.</summary>
    public const string ProxyBearerPrefix = "proxy-bearer-prefix";

    public static readonly string[] All = [Http, HttpsCaBundle, ProxyBearerPrefix];
}
