using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Webhook.Challenges;

namespace Webhook.Issuers;

/// <summary>Reads the fields of an Issuer config, collecting one message per bad, conflicting or unknown field.</summary>
internal sealed partial class ConfigFields(JsonElement json)
{
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _known = [];

    public void ThrowIfInvalid()
    {
        var unknown = json.EnumerateObject().Select(p => p.Name).Where(name => !_known.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            _errors.Add($"unknown field(s) {Quote(unknown)}; known fields are {Quote(_known.Order(StringComparer.Ordinal))}");
        }

        if (_errors.Count > 0)
        {
            throw new SolverException("invalid issuer config: " + string.Join("; ", _errors));
        }
    }

    public string? String(string name, string? alias = null) =>
        Field(name, alias) is not (var field, var value) ? null
        : value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
        : Fail<string>(field, "must be a non-empty string");

    // Required fields answer a placeholder when invalid: ThrowIfInvalid runs before anything could use it.
    public Uri Host(string name)
    {
        var placeholder = new Uri("http://invalid");
        if (!Has(name))
        {
            return Fail<Uri>(name, "is required, e.g. \"http://powerdns.dns.svc:8081\"") ?? placeholder;
        }

        return String(name) is not { } text ? placeholder
            : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
                ? new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'))
                : Fail<Uri>(name, $"must be an http or https URL without credentials or query, e.g. \"https://pdns.example.com/prefix\"; got \"{text}\"") ?? placeholder;
    }

    public SecretKeySelector SecretRef(string name)
    {
        var placeholder = new SecretKeySelector("", "");
        if (Field(name) is not (var field, var value))
        {
            return Fail<SecretKeySelector>(name, "is required: {\"name\": \"<secret>\", \"key\": \"<key in the secret>\"}") ?? placeholder;
        }

        var secret = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var key = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        return secret is not null && SecretName().IsMatch(secret) && key is not null && SecretKey().IsMatch(key) && key is not ("." or "..")
            ? new SecretKeySelector(secret, key)
            : Fail<SecretKeySelector>(field, "needs 'name' (a Secret name) and 'key' (a key in that Secret's data)") ?? placeholder;
    }

    public string? Token(string name) =>
        String(name) is not { } text ? null : HeaderToken().IsMatch(text) ? text : Fail<string>(name, $"must be an HTTP header token; got \"{text}\"");

    public IReadOnlyDictionary<string, string> Headers(string name)
    {
        if (Field(name) is not (_, var value))
        {
            return new Dictionary<string, string>();
        }

        var headers = value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().Where(h => HeaderToken().IsMatch(h.Name) && h.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(h => h.Name, h => h.Value.GetString()!, StringComparer.OrdinalIgnoreCase)
            : [];
        return value.ValueKind == JsonValueKind.Object && headers.Count == value.EnumerateObject().Count()
            ? headers
            : Fail<Dictionary<string, string>>(name, "must map header names to string values") ?? [];
    }

    // PEM text, or base64 of it (the Go webhook's []byte field), added to the system trust store.
    public string? CaBundle(string name)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        var pem = text.Contains("-----BEGIN", StringComparison.Ordinal) ? text : FromBase64(text);
        return pem is not null && CountCertificates(pem) > 0
            ? pem
            : Fail<string>(name, "must hold PEM certificates (\"-----BEGIN CERTIFICATE-----...\"), as text or base64");
    }

    public int? Int(string name, int min, int max, string? alias = null) =>
        Field(name, alias) is not (var field, var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max ? number
        : Fail<int?>(field, $"must be a whole number from {min} to {max}; got {value.GetRawText()}");

    public string? Name(string name) =>
        String(name) is not { } text ? null : DnsName.Normalize(text) ?? Fail<string>(name, $"must be a DNS name; got \"{text}\"");

    public IReadOnlyList<string> Names(string name, string alias)
    {
        if (Field(name, alias) is not (var field, var value))
        {
            return [];
        }

        var names = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? DnsName.Normalize(item.GetString()) : null).ToList()
            : [null];
        return names.All(n => n is not null) ? [.. names.OfType<string>()] : Fail<IReadOnlyList<string>>(field, "must be a list of DNS names, e.g. [\"intranet.example.com\"]") ?? [];
    }

    /// <summary>Host names (without the trailing dot) and IP addresses (in their canonical text); an empty list is none.</summary>
    public IReadOnlyList<string> Hosts(string name)
    {
        if (Field(name) is not (var field, var value))
        {
            return [];
        }

        var hosts = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? HostName(item.GetString()!) : null).ToList()
            : [null];
        return hosts.All(h => h is not null) ? [.. hosts.OfType<string>().Distinct()]
            : Fail<IReadOnlyList<string>>(field, "must be a list of host names or IP addresses, e.g. [\"pdns.dns.svc.cluster.local\", \"10.0.0.7\"]") ?? [];
    }

    public T? Enum<T>(string name)
        where T : struct, Enum =>
        String(name) is not { } text ? null
        : System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && !int.TryParse(text, out _) ? value
        : Fail<T?>(name, $"must be one of {Quote(System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}; got \"{text}\"");

    private (string Field, JsonElement Value)? Field(string name, string? alias = null)
    {
        _known.Add(name);
        var hasName = json.TryGetProperty(name, out var value);
        if (alias is null || !json.TryGetProperty(alias, out var aliased))
        {
            return hasName && value.ValueKind != JsonValueKind.Null ? (name, value) : null;
        }

        _known.Add(alias);
        return hasName ? Fail<(string, JsonElement)?>(name, $"and '{alias}' mean the same; give one of them") : (alias, aliased);
    }

    private bool Has(string name)
    {
        _known.Add(name);
        return json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;
    }

    private T? Fail<T>(string field, string problem)
    {
        _errors.Add($"'{field}' {problem}");
        return default;
    }

    // An IP address only when written in full (IPAddress.Parse also takes "10" and "10.7"), else a DNS name.
    private static string? HostName(string text) =>
        IPAddress.TryParse(text, out var address) && (text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3)
            ? address.ToString()
            : DnsName.Normalize(text)?.TrimEnd('.');

    private static string? FromBase64(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), bytes, out var length) ? Encoding.UTF8.GetString(bytes, 0, length) : null;
    }

    private static int CountCertificates(string pem)
    {
        var count = 0;
        var rest = pem.AsSpan();
        while (System.Security.Cryptography.PemEncoding.TryFind(rest, out var fields))
        {
            count += rest[fields.Label].SequenceEqual("CERTIFICATE") ? 1 : 0;
            rest = rest[fields.Location.End..];
        }

        return count;
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderToken();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]{1,253}$")]
    private static partial Regex SecretKey();
}
