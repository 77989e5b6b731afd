namespace Chart.Tests;

/// <summary>
/// deploy/helm rendered the way `helm template` does, by render/chart-render (Go text/template + sprig + helm's own
/// functions, values checked against values.schema.json, missing keys an error as in helm lint --strict), built once per
/// test run by render/build.sh, which installs Debian's Go packages when they are missing.
/// </summary>
public sealed class ChartRenderer : IAsyncLifetime
{
    public const string Release = "acme-dns";
    public const string Namespace = "acme-dns";

    private readonly string _buildDir = Path.Combine(Path.GetTempPath(), "chart-render-" + Guid.NewGuid().ToString("N"));
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<Rendering>>> _cases = new();

    public static string ChartDir => Path.Combine(Repository.Root, "deploy", "helm");

    public static string RenderDir => Path.Combine(Repository.Root, "tests", "Chart.Tests", "render");

    private string Executable => Path.Combine(_buildDir, "chart-render");

    public async ValueTask InitializeAsync()
    {
        var build = await Processes.RunAsync("/bin/bash", [Path.Combine(RenderDir, "build.sh"), _buildDir], TimeSpan.FromMinutes(5));
        if (build.Code != 0)
        {
            throw new InvalidOperationException($"render/build.sh failed ({build.Code}):\n{build.Output}{build.Errors}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_buildDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>The manifests of one install (values.yaml merged with <paramref name="values"/>), parsed strictly.</summary>
    public async Task<Rendering> RenderAsync(string values = "", string? cluster = null, string release = Release, string @namespace = Namespace)
    {
        var manifests = await RunRendererAsync(values, cluster, release, @namespace, notes: false);
        var notes = await RunRendererAsync(values, cluster, release, @namespace, notes: true);
        return Rendering.Parse(manifests, notes);
    }

    /// <summary>A case of the matrix, rendered once per test run (tests only read it).</summary>
    public Task<Rendering> RenderAsync(ChartCase chartCase) =>
        _cases.GetOrAdd(chartCase.Name, _ => new Lazy<Task<Rendering>>(() => RenderAsync(chartCase.Values))).Value;

    /// <summary>What the renderer (like helm) says when the values are refused.</summary>
    public async Task<string> RenderErrorAsync(string values)
    {
        using var files = new TempFiles();
        var render = await Processes.RunAsync(Executable, Arguments(files.Write("values.yaml", values), null, Release, Namespace, notes: false), TimeSpan.FromSeconds(30));
        render.Code.Should().NotBe(0, "the values must be refused; the renderer printed:\n{0}", render.Output);
        return render.Errors;
    }

    private async Task<string> RunRendererAsync(string values, string? cluster, string release, string @namespace, bool notes)
    {
        using var files = new TempFiles();
        var valuesFile = files.Write("values.yaml", values);
        var clusterFile = cluster is null ? null : files.Write("cluster.yaml", cluster);
        var render = await Processes.RunAsync(Executable, Arguments(valuesFile, clusterFile, release, @namespace, notes), TimeSpan.FromSeconds(30));
        return render.Code == 0 ? render.Output : throw new InvalidOperationException($"chart-render failed ({render.Code}):\n{render.Errors}\nvalues:\n{values}");
    }

    private static List<string> Arguments(string valuesFile, string? clusterFile, string release, string @namespace, bool notes)
    {
        // -strict: a missing map key is an error (helm lint --strict), so the chart never renders "<no value>" as empty.
        List<string> arguments = ["-strict", "-chart", ChartDir, "-name", release, "-namespace", @namespace, "-f", valuesFile];
        if (clusterFile is not null)
        {
            arguments.AddRange(["-lookup", clusterFile, "-upgrade"]);
        }

        if (notes)
        {
            arguments.Add("-notes");
        }

        return arguments;
    }
}
