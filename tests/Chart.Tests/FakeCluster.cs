using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chart.Tests;

/// <summary>
/// The cluster an upgrade renders against (helm template --dry-run=server): the API discovery helm maps every rendered
/// kind with, and the Secrets its lookup finds. A real Kestrel on 127.0.0.1:0, reached through a kubeconfig.
/// </summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempFiles _files = new();

    private FakeCluster(WebApplication app) => _app = app;

    public string Kubeconfig { get; private set; } = "";

    /// <summary>A cluster serving the kinds of <paramref name="kinds"/> (as one with cert-manager installed does) and holding <paramref name="secrets"/>.</summary>
    public static async Task<FakeCluster> StartAsync(IEnumerable<IKubernetesObject<V1ObjectMeta>> kinds, IEnumerable<V1Secret> secrets)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var resources = kinds.DistinctBy(o => (o.ApiVersion, o.Kind)).ToLookup(o => o.ApiVersion, o => new V1APIResource
        {
            Kind = o.Kind, Name = Plural(o.Kind), Namespaced = o.Metadata.NamespaceProperty is not null, SingularName = o.Kind.ToLowerInvariant(), Verbs = ["get", "create"],
        });
        var stored = secrets.ToDictionary(s => (s.Metadata.NamespaceProperty, s.Metadata.Name));
        var groups = resources.Select(r => r.Key).Where(v => v.Contains('/', StringComparison.Ordinal)).Select(v => new V1APIGroup
        {
            Name = v.Split('/')[0], Versions = [new V1GroupVersionForDiscovery { GroupVersion = v, Version = v.Split('/')[1] }],
        }).ToList();

        app.MapGet("/version", () => Json(new VersionInfo { Major = "1", Minor = "33", GitVersion = "v1.33.0" }));
        app.MapGet("/api", () => Json(new V1APIVersions { Kind = "APIVersions", Versions = ["v1"], ServerAddressByClientCIDRs = [] }));
        app.MapGet("/apis", () => Json(new V1APIGroupList { Kind = "APIGroupList", ApiVersion = "v1", Groups = groups }));
        app.MapGet("/api/v1", () => Json(ResourceList("v1", resources)));
        app.MapGet("/apis/{group}/{version}", (string group, string version) => Json(ResourceList($"{group}/{version}", resources)));
        app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name) => stored.TryGetValue((ns, name), out var secret)
            ? Json(secret)
            : Json(new V1Status { Kind = "Status", ApiVersion = "v1", Code = 404, Reason = "NotFound", Status = "Failure", Message = $"secrets \"{name}\" not found" }, 404));
        await app.StartAsync();

        var cluster = new FakeCluster(app);
        cluster.Kubeconfig = cluster._files.Write("kubeconfig", $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: fake, cluster: {"{"}server: "{app.Urls.Single()}"{"}}"}]
            contexts: [{"{"}name: fake, context: {"{"}cluster: fake, user: fake{"}}"}]
            current-context: fake
            users: [{"{"}name: fake, user: {"{"}token: fake{"}}"}]
            """);
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _files.Dispose();
    }

    private static V1APIResourceList ResourceList(string groupVersion, ILookup<string, V1APIResource> resources) =>
        new() { Kind = "APIResourceList", ApiVersion = "v1", GroupVersion = groupVersion, Resources = [.. resources[groupVersion]] };

    private static string Plural(string kind) =>
        kind.EndsWith('y') ? kind[..^1].ToLowerInvariant() + "ies" : kind.ToLowerInvariant() + "s";

    // KubernetesJson writes the models as the API does (camelCase, no nulls, base64 Secret data).
    private static IResult Json(object body, int status = 200) => Results.Content(KubernetesJson.Serialize(body), "application/json", statusCode: status);
}
