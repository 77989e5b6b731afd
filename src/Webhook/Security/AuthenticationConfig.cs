using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Webhook.Security;

/// <summary>
/// Who may authenticate, as kube-apiserver publishes it in kube-system/extension-apiserver-authentication
/// (docs/contract.md 3.3): the front-proxy CA, the CNs it may sign for, the identity header names; and the client CA.
/// </summary>
internal sealed record AuthenticationConfig(
    X509Certificate2Collection RequestHeaderCAs,
    IReadOnlyList<string> AllowedNames,
    IReadOnlyList<string> UsernameHeaders,
    IReadOnlyList<string> UidHeaders,
    IReadOnlyList<string> GroupHeaders,
    IReadOnlyList<string> ExtraHeaderPrefixes,
    X509Certificate2Collection ClientCAs)
{
    /// <summary>The operator's --requestheader-allowed-names, applied on top of the cluster's list (both must allow a CN).</summary>
    public IReadOnlyList<string> OperatorAllowedNames { get; init; } = [];

    public const string ConfigMapNamespace = "kube-system";
    public const string ConfigMapName = "extension-apiserver-authentication";

    /// <summary>From the ConfigMap's data: PEM bundles, and JSON arrays of strings.</summary>
    public static AuthenticationConfig FromConfigMap(IDictionary<string, string>? data)
    {
        string Value(string key) => data?.TryGetValue(key, out var value) == true ? value : "";
        IReadOnlyList<string> List(string key) => Value(key) is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, WebhookJsonContext.Default.ListString) ?? []
            : [];
        return new(Pem(Value("requestheader-client-ca-file")), List("requestheader-allowed-names"), List("requestheader-username-headers"),
            List("requestheader-uid-headers"), List("requestheader-group-headers"), List("requestheader-extra-headers-prefix"), Pem(Value("client-ca-file")));
    }

    /// <summary>Whether a front-proxy certificate's CN may assert users: an empty list allows any, as in Go.</summary>
    public bool AllowsProxy(string commonName) =>
        (AllowedNames.Count == 0 || AllowedNames.Contains(commonName)) && (OperatorAllowedNames.Count == 0 || OperatorAllowedNames.Contains(commonName));

    /// <summary>From the Go-named flags: CA files and comma-separated lists.</summary>
    public static AuthenticationConfig FromFlags(WebhookOptions options)
    {
        static string Read(string? file) => file is { Length: > 0 } ? File.ReadAllText(file) : "";
        return new(Pem(Read(options.RequestHeaderClientCaFile)), CommaList(options.RequestHeaderAllowedNames), CommaList(options.RequestHeaderUsernameHeaders), [],
            CommaList(options.RequestHeaderGroupHeaders), CommaList(options.RequestHeaderExtraHeadersPrefix), Pem(Read(options.ClientCaFile)));
    }

    /// <summary>A comma-separated flag value as a list.</summary>
    public static IReadOnlyList<string> CommaList(string? value) => value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static X509Certificate2Collection Pem(string pem)
    {
        var certificates = new X509Certificate2Collection();
        if (pem.Length > 0)
        {
            certificates.ImportFromPem(pem);
        }

        return certificates;
    }
}
