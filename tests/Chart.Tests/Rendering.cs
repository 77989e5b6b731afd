using k8s;
using k8s.Models;

namespace Chart.Tests;

/// <summary>One rendered install: every object parsed strictly into its model (KubernetesClient's for the built-in kinds).</summary>
public sealed class Rendering
{
    /// <summary>Kinds outside KubernetesClient's models, mapped as KubernetesYaml wants them: "apiVersion/kind".</summary>
    private static readonly Dictionary<string, Type> CertManagerKinds = new()
    {
        ["cert-manager.io/v1/Issuer"] = typeof(CertManagerObject<IssuerSpec>),
        ["cert-manager.io/v1/ClusterIssuer"] = typeof(CertManagerObject<IssuerSpec>),
        ["cert-manager.io/v1/Certificate"] = typeof(CertManagerObject<CertificateSpec>),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(CertManagerObject<ServiceMonitorSpec>),
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(CertManagerObject<CloudNativePgClusterSpec>),
    };

    private Rendering(string manifests, string notes, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects) =>
        (Manifests, Notes, Objects) = (manifests, notes, objects);

    public string Manifests { get; }

    public string Notes { get; }

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    /// <summary>Strict: an unknown field anywhere, or a kind with no model, fails the parse.</summary>
    public static Rendering Parse(string manifests, string notes)
    {
        var objects = KubernetesYaml.LoadAllFromString(manifests, CertManagerKinds, strict: true);
        return new Rendering(manifests, notes, [.. objects.Cast<IKubernetesObject<V1ObjectMeta>>()]);
    }

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public IEnumerable<CertManagerObject<TSpec>> All<TSpec>(string kind) =>
        Objects.OfType<CertManagerObject<TSpec>>().Where(o => o.Kind == kind);

    public T Get<T>(string name, string @namespace = ChartRenderer.Namespace)
        where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name && (o.Metadata.NamespaceProperty ?? @namespace) == @namespace)
        ?? throw new KeyNotFoundException($"no {typeof(T).Name} {@namespace}/{name} in:\n{string.Join("\n", Inventory)}");

    /// <summary>"Kind namespace/name" of every object, in rendering order.</summary>
    public IEnumerable<string> Inventory => Objects.Select(o =>
        $"{o.Kind} {(o.Metadata.NamespaceProperty is { } ns ? ns + "/" : "")}{o.Metadata.Name}");

    /// <summary>The webhook's Deployment (component label "webhook").</summary>
    public V1Deployment Webhook => Component("webhook").Single();

    /// <summary>The bundled PowerDNS's Deployment, when rendered.</summary>
    public V1Deployment? PowerDns => Component("powerdns").SingleOrDefault();

    private IEnumerable<V1Deployment> Component(string component) =>
        All<V1Deployment>().Where(d => d.Spec.Template.Metadata.Labels["app.kubernetes.io/component"] == component);

    public CertManagerObject<CertificateSpec> Certificate(string name) =>
        All<CertificateSpec>("Certificate").SingleOrDefault(c => c.Metadata.Name == name)
        ?? throw new KeyNotFoundException($"no Certificate {name} in:\n{string.Join("\n", Inventory)}");

    public CertManagerObject<IssuerSpec>? ClusterIssuer => All<IssuerSpec>("ClusterIssuer").SingleOrDefault();

    /// <summary>The Deployments whose pods a label selector picks.</summary>
    public IEnumerable<V1Deployment> Selected(IDictionary<string, string> selector) =>
        All<V1Deployment>().Where(d => Matches(selector, d.Spec.Template.Metadata.Labels));

    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    public override string ToString() => Manifests;
}
