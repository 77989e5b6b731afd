using System.Text;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>
/// The webhook as a separate process (TestSupport's <see cref="WebhookProcess"/>), configured as outside a cluster and
/// called as cert-manager: what an in-process lock cannot protect, and what only a process does (SIGTERM, its output).
/// </summary>
internal static class WebhookReplica
{
    public static Task<WebhookProcess> StartAsync(Certificates pki, string secretsDir, params string[] flags) => StartAsync(pki, secretsDir, flags, null);

    public static Task<WebhookProcess> StartAsync(Certificates pki, string secretsDir, string[] flags, IDictionary<string, string>? environment) =>
        WebhookProcess.StartAsync(WebhookProcessOptions.OutsideCluster(pki, WebhookHarness.Group, secretsDir) with
        {
            User = WebhookHarness.CertManager,
            Flags = flags,
            Environment = environment,
        });

    public static async Task<ChallengeResult> SolveAsync(this WebhookProcess webhook, string action, string fqdn, string key, JsonNode config)
    {
        using var response = await webhook.Aggregator.PostAsync(WebhookHarness.SolverPath,
            new StringContent(CertManagerRequest.Body(action, fqdn, key, "cert-manager", config.DeepClone()), Encoding.UTF8, "application/json"));
        var payload = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var result = payload["response"]!;
        return new ChallengeResult(result["success"]!.GetValue<bool>(), result["status"]?["message"]?.GetValue<string>() ?? "", payload);
    }
}
