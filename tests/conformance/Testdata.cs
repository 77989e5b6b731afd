using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Conformance.Tests;

/// <summary>
/// A testdata folder in upstream's shape (SetManifestPath): config.json is the Issuer's webhook config; every other
/// .json, .yaml or .yml file is a Kubernetes manifest applied into each case's namespace. Placeholders take the values
/// of this run's PowerDNS and proxies (<see cref="ApiEndpoint"/>).
/// </summary>
internal sealed class Testdata(string variant, ApiEndpoint endpoint)
{
    private readonly string _path = Path.Combine(AppContext.BaseDirectory, "testdata", variant);

    /// <summary>config.json, placeholders filled in.</summary>
    public JsonNode Config() => Expand(JsonNode.Parse(File.ReadAllText(Path.Combine(_path, "config.json"))))!;

    /// <summary>
    /// <c>kubectl apply --namespace <paramref name="ns"/> -f</c> of each manifest, as upstream's setupNamespace does. The
    /// fake API serves Secrets only, so any other kind is an error here rather than a silent no-op.
    /// </summary>
    public void ApplyInto(FakeKubeApi kube, string ns)
    {
        foreach (var path in Directory.EnumerateFiles(_path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(path) == "config.json")
            {
                continue;
            }

            if (Path.GetExtension(path) is not (".json" or ".yaml" or ".yml"))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"skipping file \"{path}\" with unrecognised extension");
                continue;
            }

            foreach (var manifest in KubernetesYaml.LoadAllFromString(File.ReadAllText(path)))
            {
                var secret = manifest as V1Secret
                    ?? throw new NotSupportedException($"{path}: the fake Kubernetes API serves Secrets only, not {manifest.GetType().Name}");
                var data = (secret.Data ?? new Dictionary<string, byte[]>()).ToDictionary(d => d.Key, d => Encoding.UTF8.GetString(d.Value));
                foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
                {
                    data[key] = value;   // stringData wins, as the API server merges it
                }

                kube.Secrets[(ns, secret.Metadata.Name)] = data.ToDictionary(d => d.Key, d => endpoint.Expand(d.Value));
            }
        }
    }

    private JsonNode? Expand(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Expand(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Expand)]),
        JsonValue v when v.TryGetValue<string>(out var text) => JsonValue.Create(endpoint.Expand(text)),
        _ => node?.DeepClone(),
    };
}
