using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Tests;

/// <summary>What upstream's <c>buildChallengeRequest</c> fills in (test/acme/util.go); the rest of the body is cert-manager's.</summary>
internal sealed record ChallengeRequest(
    string DnsName, string Key, string ResourceNamespace, string ResolvedFqdn, string ResolvedZone, JsonNode Config, bool AllowAmbientCredentials = false)
{
    // Go's encoding/json leaves '+' and '=' of base64 keys as they are; the default .NET encoder would escape them.
    private static readonly JsonSerializerOptions GoLikeJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A key as ACME makes them: base64url of a SHA-256, 43 characters.</summary>
    public static string NewKey() => Base64Url.EncodeToString(SHA256.HashData(RandomNumberGenerator.GetBytes(32)));

    /// <summary>
    /// The body cert-manager POSTs (docs/contract.md 1.3), field for field and in its order: no apiVersion or kind, uid "",
    /// type dns-01, and the trailing newline of Go's encoder.
    /// </summary>
    public string Body(string action) => new JsonObject
    {
        ["request"] = new JsonObject
        {
            ["uid"] = "",
            ["action"] = action,
            ["type"] = "dns-01",
            ["dnsName"] = DnsName,
            ["key"] = Key,
            ["resourceNamespace"] = ResourceNamespace,
            ["resolvedFQDN"] = ResolvedFqdn,
            ["resolvedZone"] = ResolvedZone,
            ["allowAmbientCredentials"] = AllowAmbientCredentials,
            ["config"] = Config.DeepClone(),
        },
    }.ToJsonString(GoLikeJson) + "\n";
}
