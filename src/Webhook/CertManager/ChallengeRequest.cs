using System.Text.Json;
using System.Text.Json.Serialization;

namespace Webhook.CertManager;

/// <summary>cert-manager's ChallengeRequest (docs/contract.md 1.3). <see cref="Uid"/> is always "" from cert-manager.</summary>
internal sealed record ChallengeRequest
{
    public string Uid { get; init; } = "";

    public ChallengeAction? Action { get; init; }

    public string Type { get; init; } = "";

    /// <summary>The authorization's domain; for a wildcard, the base domain without <c>*.</c>.</summary>
    public string DnsName { get; init; } = "";

    /// <summary>The TXT value to publish.</summary>
    public string Key { get; init; } = "";

    /// <summary>Where the Secrets named in <see cref="Config"/> live.</summary>
    public string ResourceNamespace { get; init; } = "";

    /// <summary>The name to write, after any CNAME was followed; absolute.</summary>
    [JsonPropertyName("resolvedFQDN")]
    public string ResolvedFqdn { get; init; } = "";

    /// <summary>The zone DNS says holds <see cref="ResolvedFqdn"/>; a hint, PowerDNS's own zones decide.</summary>
    public string ResolvedZone { get; init; } = "";

    public bool AllowAmbientCredentials { get; init; }

    /// <summary>The Issuer's <c>dns01.webhook.config</c>, verbatim.</summary>
    public JsonElement? Config { get; init; }
}
