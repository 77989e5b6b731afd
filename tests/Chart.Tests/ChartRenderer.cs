using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Chart.Tests;

/// <summary>
/// deploy/helm rendered by the real helm: `helm template` for the manifests, `helm install --dry-run` for NOTES.txt (which
/// only an install renders), and, for an upgrade, `helm template --dry-run=server` against a fake cluster so that the
/// chart's lookup finds what is installed. One per test assembly; the matrix cases are rendered once.
/// </summary>
public sealed class ChartRenderer : IDisposable
{
    public const string Release = "acme-dns";
    public const string Namespace = "acme-dns";

    private readonly Helm _helm = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<Rendering>>> _cases = new();

    public static string ChartDir => Path.Combine(Repository.Root, "deploy", "helm");

    /// <summary>The manifests and notes of one install (values.yaml merged with <paramref name="values"/>), parsed strictly.</summary>
    public async Task<Rendering> RenderAsync(string values = "", string release = Release, string @namespace = Namespace)
    {
        using var files = new TempFiles();
        var valuesFile = files.Write("values.yaml", values);
        var manifests = HelmAsync(["template", release, ChartDir, "--namespace", @namespace, "-f", valuesFile], values);
        var install = HelmAsync(["install", release, ChartDir, "--namespace", @namespace, "-f", valuesFile, "--dry-run=client", "-o", "json"], values);
        var notes = JsonNode.Parse(await install)!["info"]!["notes"]!.GetValue<string>();
        return Rendering.Parse(await manifests, notes);
    }

    /// <summary>A case of the matrix, rendered once per test run (tests only read it).</summary>
    public Task<Rendering> RenderAsync(ChartCase chartCase) =>
        _cases.GetOrAdd(chartCase.Name, _ => new Lazy<Task<Rendering>>(() => RenderAsync(chartCase.Values))).Value;

    /// <summary>An upgrade of the default install, in a cluster that holds <paramref name="secrets"/>. Its notes are not rendered.</summary>
    public async Task<Rendering> UpgradeAsync(params V1Secret[] secrets)
    {
        var install = await RenderAsync();
        await using var cluster = await FakeCluster.StartAsync(install.Objects, secrets);
        var manifests = await HelmAsync(["template", Release, ChartDir, "--namespace", Namespace, "--is-upgrade",
            "--dry-run=server", "--disable-openapi-validation"], "", cluster.Kubeconfig);
        return Rendering.Parse(manifests, notes: "");
    }

    /// <summary>What helm says when it refuses the values (with <paramref name="skipSchema"/>: what the templates themselves say).</summary>
    public async Task<string> RenderErrorAsync(string values, bool skipSchema = false)
    {
        using var files = new TempFiles();
        var (code, output) = await _helm.RunAsync(["template", Release, ChartDir, "--namespace", Namespace, "-f", files.Write("values.yaml", values),
            .. skipSchema ? ["--skip-schema-validation"] : Array.Empty<string>()]);
        code.Should().NotBe(0, "the values must be refused; helm printed:\n{0}", output);
        return output;
    }

    /// <summary>`helm lint --strict` of the chart with <paramref name="valuesFile"/>: its exit code and output.</summary>
    public Task<(int Code, string Output)> LintAsync(string valuesFile) =>
        _helm.RunAsync(["lint", "--strict", ChartDir, "--namespace", Namespace, "-f", valuesFile]);

    public void Dispose() => _helm.Dispose();

    private async Task<string> HelmAsync(IEnumerable<string> arguments, string values, string? kubeconfig = null)
    {
        var (code, output) = await _helm.RunAsync(arguments, kubeconfig);
        return code == 0 ? output : throw new InvalidOperationException($"helm failed ({code}):\n{output}\nvalues:\n{values}");
    }
}
