using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>
/// What a request needs is built before the server is ready (Api/BuiltBeforeServing.cs). Left to the first requests,
/// building the Kubernetes client blocked every pool thread: a new replica's first burst waited tens of seconds.
/// </summary>
public sealed class StartUpTests(DebianPowerDnsServer pdns) : IAsyncLifetime
{
    private ReplicaPair _pair = null!;

    public async ValueTask InitializeAsync() => _pair = await ReplicaPair.CreateAsync(pdns.ApiKey);

    public ValueTask DisposeAsync() => _pair.DisposeAsync();

    [Fact]
    public async Task TheKubeconfigIsReadBeforeTheServerIsReady()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}.yaml");
        File.Copy(_pair.Kube.Kubeconfig, kubeconfig);
        var webhook = await _pair.StartOneAsync(["--kubeconfig", kubeconfig, "--lease-namespace", "pdns-webhook"]);
        File.Delete(kubeconfig);   // what a request would read from here on is gone

        var presented = await webhook.SolveAsync("Present", WebhookHarness.UniqueName(), "v", Config());

        presented.Success.Should().BeTrue("the Kubernetes client was built at start: {0}", presented.Message);
        _pair.Kube.Leases.Reads.Should().BeGreaterThan(0, "the write took its Lease through that client");
    }

    [Fact]
    public async Task AFirstBurstOfFiftyPresentsNeedsNoMoreThanFourPoolThreads()
    {
        // With the pool held at 4 threads, a request that blocks its thread until another pool thread runs (a singleton
        // built on the request's path, sync over async) deadlocks the burst, where an unbounded pool only delays it.
        var webhook = await _pair.StartOneAsync([.. _pair.LeaseFlags], new Dictionary<string, string> { ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = "4" });
        var name = WebhookHarness.UniqueName();

        var burst = Task.WhenAll(Enumerable.Range(0, 50).Select(i => webhook.SolveAsync("Present", name, $"key-{i:00}", Config())));
        var results = await burst.WaitAsync(TimeSpan.FromSeconds(30));   // about a second when nothing blocks

        results.Should().OnlyContain(r => r.Success);
    }

    [Fact]
    public async Task AKubeconfigThatCannotBeReadStopsTheStartNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-kubeconfig-{Guid.NewGuid():N}.yaml");

        var start = () => _pair.StartOneAsync(["--kubeconfig", missing]);

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("exited before it was ready").And.Contain(missing);
    }

    private JsonObject Config() => new() { ["host"] = pdns.ApiUrl.ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" } };
}
