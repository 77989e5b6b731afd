using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>A published build of the webhook: the command that starts it, and its folder (whose size is measured).</summary>
internal sealed record Build(string Name, string Directory, string FileName, IReadOnlyList<string> Prefix, string Note);

/// <summary>
/// pdns-webhook as the tests start it (TestSupport's <see cref="WebhookProcess"/>), configured as outside a cluster
/// (README): the front-proxy CA from a file, AllowAuthenticated, API keys from --secrets-dir, JSON logs as in a container.
/// Reached the way kube-apiserver's aggregator reaches it: HTTPS with HTTP/2 on one connection, verifying the serving
/// certificate, presenting the front-proxy client certificate and X-Remote-User.
/// </summary>
internal static class Webhook
{
    public const string Group = "acme.bench.test";
    public const string SecretNamespace = "cert-manager";

    /// <summary>Started and ready; /readyz is polled every 5 ms, so <see cref="WebhookProcess.ReadyAfter"/> is the time to ready.</summary>
    public static Task<WebhookProcess> StartAsync(Build build, Certificates pki, string secretsDir, params string[] flags) => WebhookProcess.StartAsync(
        WebhookProcessOptions.OutsideCluster(pki, Group, secretsDir) with
        {
            Command = [build.FileName, .. build.Prefix],
            Flags = ["--log-format", "json", .. flags],
            User = "system:serviceaccount:cert-manager:cert-manager",
            Groups = ["system:serviceaccounts"],
            Http2 = true,
            ReadyWithin = TimeSpan.FromSeconds(60),
            PollEvery = TimeSpan.FromMilliseconds(5),
        });

    /// <summary>
    /// A resource of the group that the webhook does not serve: a POST there passes the same TLS, HTTP/2, front-proxy
    /// authentication and authorization as a solve, then the body is read and a 404 answered. It is the
    /// transport floor every webhook pays before it does any work.
    /// </summary>
    public const string NoOpResource = "floor";

    /// <summary>POSTs cert-manager's request body for one challenge; null on success, else what failed.</summary>
    public static async Task<string?> SolveAsync(this WebhookProcess webhook, string action, string fqdn, string key, PowerDns pdns,
        string zone = PowerDns.Zone)
    {
        try
        {
            using var response = await webhook.Aggregator.PostAsJsonAsync(Resource("pdns"), Body(action, fqdn, key, pdns, zone));
            var payload = await response.Content.ReadFromJsonAsync<JsonObject>();
            return response.IsSuccessStatusCode && payload?["response"]?["success"]?.GetValue<bool>() == true
                ? null
                : $"HTTP {(int)response.StatusCode}: {payload?["response"]?["status"]?["message"] ?? payload?.ToJsonString()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)   // TaskCanceled: no answer within HttpClient.Timeout (100 s)
        {
            return e.Message;
        }
    }

    /// <summary>The same request as <see cref="SolveAsync"/> (method, path shape, body size) to <see cref="NoOpResource"/>; null on its 404.</summary>
    public static async Task<string?> NoOpAsync(this WebhookProcess webhook, string action, string fqdn, string key, PowerDns pdns)
    {
        try
        {
            using var response = await webhook.Aggregator.PostAsJsonAsync(Resource(NoOpResource), Body(action, fqdn, key, pdns));
            await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : $"no-op: HTTP {(int)response.StatusCode}, expected 404";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)   // TaskCanceled: no answer within HttpClient.Timeout (100 s)
        {
            return e.Message;
        }
    }

    private static Uri Resource(string name) => new($"/apis/{Group}/v1alpha1/{name}", UriKind.Relative);

    private static JsonObject Body(string action, string fqdn, string key, PowerDns pdns, string zone = PowerDns.Zone) => new()
    {
        ["request"] = new JsonObject
        {
            ["uid"] = "",
            ["action"] = action,
            ["type"] = "dns-01",
            ["dnsName"] = fqdn["_acme-challenge.".Length..].TrimEnd('.'),
            ["key"] = key,
            ["resourceNamespace"] = SecretNamespace,
            ["resolvedFQDN"] = fqdn,
            ["resolvedZone"] = zone,
            ["allowAmbientCredentials"] = false,
            ["config"] = Config(pdns),
        },
    };

    // Several instances sharing one database are named in 'instances', so Present answers once every one serves the value.
    private static JsonObject Config(PowerDns pdns)
    {
        var config = new JsonObject
        {
            ["host"] = pdns.ApiUrl.ToString().TrimEnd('/'),
            ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns-api-key", ["key"] = "api-key" },
        };
        if (pdns.Addresses.Count > 1)
        {
            config["instances"] = new JsonArray([.. pdns.Addresses.Select(a => (JsonNode)a.ToString())]);
            config["dnsPort"] = pdns.DnsPort;
        }

        return config;
    }

    /// <summary>Writes the API key where --secrets-dir expects the Secret cert-manager names in apiKeySecretRef.</summary>
    public static void WriteSecret(string secretsDir, string apiKey)
    {
        var directory = Directory.CreateDirectory(Path.Combine(secretsDir, SecretNamespace, "pdns-api-key"));
        File.WriteAllText(Path.Combine(directory.FullName, "api-key"), apiKey);
    }
}
