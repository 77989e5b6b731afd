using System.Text.Json;
using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Editing;

namespace Webhook.Issuers;

/// <summary>The Issuer's <c>dns01.webhook.config</c>, validated (README, "Issuer config"; docs/architecture.md). Every message names the field.</summary>
internal sealed record SolverConfig(
    Uri Host,
    SecretKeySelector ApiKeySecretRef,
    string ServerId,
    string ApiKeyHeaderName,
    string? ApiKeyScheme,
    IReadOnlyDictionary<string, string> Headers,
    string? CaBundle,
    int Ttl,
    TimeSpan Timeout,
    string? Zone,
    IReadOnlyList<string> AllowedZones,
    EditStrategy EditStrategy,
    IReadOnlyList<string> Instances,
    int DnsPort)
{
    public PowerDnsEndpoint Endpoint(string apiKey) => new(Host, ServerId, apiKey)
    {
        ApiKeyHeaderName = ApiKeyHeaderName,
        ApiKeyScheme = ApiKeyScheme,
        Headers = Headers,
        CaBundle = CaBundle,
        Timeout = Timeout,
    };

    /// <summary>
    /// The checks that need only this config and the name (normalised): they run before any Secret is read or PowerDNS
    /// is called, so a name the Issuer may not touch never costs a key lookup.
    /// </summary>
    public void EnsureAllows(string name)
    {
        if (Zone is { } configured && !DnsName.IsWithin(name, configured))
        {
            throw new SolverException($"'{name}' is not inside the configured zone '{configured}' (field 'zone')");
        }

        if (AllowedZones.Count > 0 && !AllowedZones.Any(zone => DnsName.IsWithin(name, zone)))
        {
            throw new SolverException($"'{name}' is outside the issuer's allowedZones ({string.Join(", ", AllowedZones)}): add its zone there, or solve it with an issuer that allows it");
        }
    }

    /// <summary>Parses and checks the config; all problems are reported at once in one <see cref="SolverException"/>.</summary>
    public static SolverConfig Parse(JsonElement? config)
    {
        if (config is not { ValueKind: JsonValueKind.Object } json)
        {
            throw new SolverException("the issuer's webhook config must be an object with at least 'host' and 'apiKeySecretRef'");
        }

        var fields = new ConfigFields(json);
        var parsed = new SolverConfig(
            fields.Host("host"),
            fields.SecretRef("apiKeySecretRef"),
            fields.String("serverId", "serverID") ?? "localhost",
            fields.Token("apiKeyHeaderName") ?? "X-API-Key",
            fields.Token("apiKeyScheme"),
            fields.Headers("headers"),
            fields.CaBundle("caBundle"),
            fields.Int("ttl", 1, 86_400) ?? 60,
            TimeSpan.FromSeconds(fields.Int("timeoutSeconds", 1, 300, "timeout") ?? 10),
            fields.Name("zone"),
            fields.Names("allowedZones", "allowed-zones"),
            fields.Enum<EditStrategy>("editStrategy") ?? EditStrategy.Auto,
            fields.Hosts("instances"),
            fields.Int("dnsPort", 1, 65_535) ?? 53);
        fields.ThrowIfInvalid();
        return parsed;
    }
}
