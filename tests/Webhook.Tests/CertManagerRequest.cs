using System.Text.Json.Nodes;

namespace Webhook.Tests;

internal static class CertManagerRequest
{
    /// <summary>cert-manager's request body, field for field (docs/contract.md 1.3): no apiVersion or kind, uid "", a trailing newline.</summary>
    public static string Body(string action, string fqdn, string key, string resourceNamespace, JsonNode config, string? resolvedZone = null)
    {
        var request = new JsonObject
        {
            ["uid"] = "",
            ["action"] = action,
            ["type"] = "dns-01",
            ["dnsName"] = fqdn.Replace("_acme-challenge.", "", StringComparison.Ordinal).TrimEnd('.'),
            ["key"] = key,
            ["resourceNamespace"] = resourceNamespace,
            ["resolvedFQDN"] = fqdn,
            ["resolvedZone"] = resolvedZone ?? "example.test.",
            ["allowAmbientCredentials"] = false,
            ["config"] = config,
        };
        return new JsonObject { ["request"] = request }.ToJsonString() + "\n";
    }
}
