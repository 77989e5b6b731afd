using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TestSupport;

/// <summary>
/// The Kubernetes API the webhook talks to, faked over real HTTP (a Kestrel on 127.0.0.1:0 serving the API's JSON
/// shapes), reached through a kubeconfig file, so the product's real KubernetesClient code runs.
/// </summary>
public sealed class FakeKubeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _secretReads;

    private FakeKubeApi(WebApplication app) => _app = app;

    /// <summary>Secrets by (namespace, name): their data, as plain strings.</summary>
    public ConcurrentDictionary<(string Namespace, string Name), Dictionary<string, string>> Secrets { get; } = new();

    /// <summary>GETs of a Secret answered so far, whatever their answer.</summary>
    public int SecretReads => _secretReads;

    /// <summary>Namespaces whose Secrets the webhook's service account may not read.</summary>
    public ConcurrentDictionary<string, bool> Forbidden { get; } = new();

    public string Kubeconfig { get; private set; } = "";

    /// <summary>The data of kube-system/extension-apiserver-authentication; empty means the ConfigMap does not exist.</summary>
    public ConcurrentDictionary<string, string> AuthenticationConfigMap { get; } = new();

    /// <summary>What SubjectAccessReviews answer: "allow", "deny", "no-opinion" or "error" (a 500).</summary>
    public string AccessReviews { get; set; } = "allow";

    /// <summary>Bearer tokens TokenReviews accept, and the user each one is.</summary>
    public ConcurrentDictionary<string, string> Tokens { get; } = new();

    /// <summary>Every SubjectAccessReview received, as sent.</summary>
    public ConcurrentQueue<JsonObject> ReceivedReviews { get; } = new();

    /// <summary>coordination.k8s.io/v1 Leases, with the API's compare-and-swap.</summary>
    public FakeLeases Leases { get; } = new();

    public static async Task<FakeKubeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeKubeApi(app);
        app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name) =>
        {
            Interlocked.Increment(ref fake._secretReads);
            return fake.Forbidden.ContainsKey(ns) ? Status(403, "Forbidden", $"secrets \"{name}\" is forbidden: User \"system:serviceaccount:cert-manager:pdns-webhook\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{ns}\"")
                : fake.Secrets.TryGetValue((ns, name), out var data) ? Results.Json(new
                {
                    apiVersion = "v1",
                    kind = "Secret",
                    metadata = new { name, @namespace = ns },
                    type = "Opaque",
                    data = data.ToDictionary(d => d.Key, d => Convert.ToBase64String(Encoding.UTF8.GetBytes(d.Value))),
                })
                : Status(404, "NotFound", $"secrets \"{name}\" not found");
        });
        app.MapGet("/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication", () => fake.AuthenticationConfigMap.IsEmpty
            ? Status(404, "NotFound", "configmaps \"extension-apiserver-authentication\" not found")
            : Results.Json(new
            {
                apiVersion = "v1",
                kind = "ConfigMap",
                metadata = new { name = "extension-apiserver-authentication", @namespace = "kube-system" },
                data = new Dictionary<string, string>(fake.AuthenticationConfigMap),
            }));
        app.MapPost("/apis/authorization.k8s.io/v1/subjectaccessreviews", async (HttpRequest request) =>
        {
            var review = (await request.ReadFromJsonAsync<JsonObject>())!;
            fake.ReceivedReviews.Enqueue(review.DeepClone().AsObject());
            // As a cluster's default RBAC: the anonymous user may see health endpoints only, which never ask.
            var status = review["spec"]?["user"]?.GetValue<string>() == "system:anonymous" && fake.AccessReviews != "error"
                ? new JsonObject { ["allowed"] = false, ["reason"] = "no RBAC rule allows system:anonymous" }
                : fake.AccessReviews switch
            {
                "allow" => new JsonObject { ["allowed"] = true, ["reason"] = "RBAC: allowed by ClusterRoleBinding" },
                "deny" => new JsonObject { ["allowed"] = false, ["denied"] = true, ["reason"] = "denied by policy" },
                "no-opinion" => new JsonObject { ["allowed"] = false },
                _ => null,
            };
            if (status is null)
            {
                return Status(500, "InternalError", "etcdserver: request timed out");
            }

            review["status"] = status;
            return Results.Json(review, statusCode: 201);
        });
        app.MapPost("/apis/authentication.k8s.io/v1/tokenreviews", async (HttpRequest request) =>
        {
            var review = (await request.ReadFromJsonAsync<JsonObject>())!;
            var token = review["spec"]?["token"]?.GetValue<string>() ?? "";
            review["status"] = fake.Tokens.TryGetValue(token, out var user)
                ? new JsonObject { ["authenticated"] = true, ["user"] = new JsonObject { ["username"] = user, ["groups"] = new JsonArray("system:serviceaccounts", "system:authenticated") } }
                : new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" };
            return Results.Json(review, statusCode: 201);
        });
        fake.Leases.Map(app);
        await app.StartAsync();
        var url = app.Urls.Single();
        fake.Kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(fake.Kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {url}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
            current-context: fake
            users:
            - name: fake
              user:
                token: fake-service-account-token
            """);
        return fake;
    }

    /// <summary>
    /// Fills extension-apiserver-authentication as kube-apiserver does: the front-proxy CA with kubeadm's allowed name and
    /// header names, and the client CA when given.
    /// </summary>
    public void PublishAuthentication(TestCertificates frontProxyCa, TestCertificates? clientCa = null)
    {
        AuthenticationConfigMap["requestheader-client-ca-file"] = frontProxyCa.CaPem;
        AuthenticationConfigMap["requestheader-allowed-names"] = "[\"front-proxy-client\"]";
        AuthenticationConfigMap["requestheader-username-headers"] = "[\"X-Remote-User\"]";
        AuthenticationConfigMap["requestheader-group-headers"] = "[\"X-Remote-Group\"]";
        AuthenticationConfigMap["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]";
        if (clientCa is not null)
        {
            AuthenticationConfigMap["client-ca-file"] = clientCa.CaPem;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        File.Delete(Kubeconfig);
    }

    private static IResult Status(int code, string reason, string message) => Results.Json(
        new { kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message, reason, code }, statusCode: code);
}
