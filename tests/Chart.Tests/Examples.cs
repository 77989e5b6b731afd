using Webhook.Issuers;

namespace Chart.Tests;

/// <summary>examples/: the manifests and values files a cert-manager user copies, read as the tests check them.</summary>
internal static class Examples
{
    /// <summary>The release the examples' names follow (examples/README.md).</summary>
    public const string Release = "pdns-webhook";
    public const string Namespace = "pdns-webhook";

    public static string Dir => Path.Combine(Repository.Root, "examples");

    public static IReadOnlyList<string> ManifestFileNames => [.. Files("*.yaml").Where(f => !f.StartsWith("values-", StringComparison.Ordinal))];

    public static IReadOnlyList<string> ValuesFileNames => [.. Files("values-*.yaml")];

    /// <summary>Theory data (serialisable, so each file is its own test).</summary>
    public static TheoryData<string> ManifestFiles => [.. ManifestFileNames];

    public static TheoryData<string> ValuesFiles => [.. ValuesFileNames];

    /// <summary>A manifest file parsed strictly, as <see cref="Rendering"/> parses the chart's output.</summary>
    public static Rendering Manifests(string file) => Rendering.Parse(File.ReadAllText(Path.Combine(Dir, file)), notes: "");

    public static Task<Rendering> RenderAsync(ChartRenderer chart, string valuesFile) =>
        chart.RenderAsync(File.ReadAllText(Path.Combine(Dir, valuesFile)), Release, Namespace);

    /// <summary>Every issuer the examples define: in the manifests, and the ClusterIssuers the values files have the chart render.</summary>
    public static async Task<IReadOnlyList<(string Source, CertManagerObject<IssuerSpec> Issuer)>> IssuersAsync(ChartRenderer chart)
    {
        var issuers = new List<(string, CertManagerObject<IssuerSpec>)>();
        foreach (var file in ManifestFileNames)
        {
            issuers.AddRange(Issuers(Manifests(file)).Select(i => (file, i)));
        }

        foreach (var file in ValuesFileNames)
        {
            // Only the ClusterIssuer: the chart's namespaced Issuers are its own PKI's (self-signed, CA).
            issuers.AddRange((await RenderAsync(chart, file)).All<IssuerSpec>("ClusterIssuer").Select(i => ($"{file} (rendered)", i)));
        }

        return issuers;
    }

    /// <summary>The webhook's own validation of the issuer's solver config (SolverException naming the field when refused).</summary>
    public static SolverConfig Config(CertManagerObject<IssuerSpec> issuer) =>
        SolverConfig.Parse(YamlJson.Element(YamlJson.Node(issuer.Spec.Acme!.Solvers.Single().Dns01!.Webhook!.Config)));

    private static IEnumerable<CertManagerObject<IssuerSpec>> Issuers(Rendering manifests) =>
        manifests.All<IssuerSpec>("Issuer").Concat(manifests.All<IssuerSpec>("ClusterIssuer"));

    private static IEnumerable<string> Files(string pattern) =>
        Directory.GetFiles(Dir, pattern).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);
}
