using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Webhook.Challenges;
using Webhook.Editing;
using Webhook.Secrets;

namespace Webhook.Tests;

/// <summary>
/// The Lease lock between replicas, each a lock composed as the server composes it (its own identity), against the fake
/// Kubernetes API's compare-and-swap over real HTTP.
/// </summary>
public sealed class LeaseWriteLockTests : IAsyncLifetime
{
    private const string Namespace = "pdns-webhook";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly List<ServiceProvider> _replicas = [];
    private readonly WriteScope _scope = new("http://127.0.0.1:8081/ localhost", "example.test.");
    private FakeKubeApi _kube = null!;

    private string LeaseName => Leases.Name(_scope);

    public async ValueTask InitializeAsync() => _kube = await FakeKubeApi.StartAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _kube.DisposeAsync();
    }

    [Fact]
    public async Task TwoReplicasSeeingTheLeaseFreeAtOnceAreLetInOneAtATime()
    {
        var (a, b) = (Replica(), Replica());
        await ReleasedLeaseAsync(a);
        _kube.Leases.PairedReads = 1;

        var takes = new[] { a.AcquireAsync(_scope, default).AsTask(), b.AcquireAsync(_scope, default).AsTask() };
        var first = await Task.WhenAny(takes).WaitAsync(Patience);
        var reads = _kube.Leases.Reads;
        await Eventually.ReturnsAsync(() => Task.FromResult(_kube.Leases.Reads), r => r >= reads + 2, Patience);   // the other polls meanwhile
        var second = takes.Single(t => t != first);

        second.IsCompleted.Should().BeFalse("the lease is held by the replica that won the compare-and-swap");
        _kube.Leases.Conflicts.Should().Be(1, "both replaced the same resourceVersion; one got 409");
        await (await first).DisposeAsync();
        await (await second.WaitAsync(Patience)).DisposeAsync();
    }

    [Fact]
    public async Task WithoutCompareAndSwapBothReplicasHoldTheLeaseAtOnce()
    {
        var (a, b) = (Replica(), Replica());
        await ReleasedLeaseAsync(a);
        _kube.Leases.PairedReads = 1;
        _kube.Leases.IgnoreResourceVersion = true;

        var both = await Task.WhenAll(a.AcquireAsync(_scope, default).AsTask(), b.AcquireAsync(_scope, default).AsTask()).WaitAsync(Patience);

        both.Should().HaveCount(2, "last write wins lets both replicas in: the lock's exclusion rests on the API's compare-and-swap alone");
        _kube.Leases.Conflicts.Should().Be(0);
    }

    [Fact]
    public async Task ACrashedHoldersLeaseIsTakenOverAfterItsDurationWhateverItsClockSaid()
    {
        var replica = Replica();
        // Renewed an hour from now by the holder's clock: only this process's own clock measures the silence.
        _kube.Leases.Put(Namespace, Lease("crashed-pod_00000000", TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(1), durationSeconds: 2));
        var started = Stopwatch.StartNew();

        await using var held = await replica.AcquireAsync(_scope, default).AsTask().WaitAsync(Patience);

        started.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), "a lease is taken over only once seen unchanged for its duration");
        var spec = _kube.Leases.Get(Namespace, LeaseName)!["spec"]!;
        spec["holderIdentity"]!.GetValue<string>().Should().Be(replica.Identity);
        spec["leaseTransitions"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task RenewalsKeepALongWritesLeasePastItsDuration()
    {
        var (a, b) = (Replica(durationSeconds: 1), Replica(durationSeconds: 1));
        await using var held = await a.AcquireAsync(_scope, default);
        using var threeDurations = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        var waiting = async () => await b.AcquireAsync(_scope, threeDurations.Token);

        await waiting.Should().ThrowAsync<SolverException>();
        var spec = _kube.Leases.Get(Namespace, LeaseName)!["spec"]!;
        spec["holderIdentity"]!.GetValue<string>().Should().Be(a.Identity);
        Time(spec["renewTime"]).Should().BeAfter(Time(spec["acquireTime"]).AddSeconds(1.5), "renewed every third of a second");
    }

    [Fact]
    public async Task ReleaseLetsAWaitingReplicaInAtOnceAndLeavesTheLeaseNamingItsServerAndZone()
    {
        var (a, b) = (Replica(), Replica());
        var held = await a.AcquireAsync(_scope, default);
        var waiting = b.AcquireAsync(_scope, default).AsTask();
        var reads = _kube.Leases.Reads;
        await Eventually.ReturnsAsync(() => Task.FromResult(_kube.Leases.Reads), r => r >= reads + 2, Patience);
        var released = Stopwatch.StartNew();

        await held.DisposeAsync();
        await using var second = await waiting.WaitAsync(Patience);

        released.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "released, not expired: the duration is 10 s");
        var lease = _kube.Leases.Get(Namespace, LeaseName)!;
        LeaseName.Should().MatchRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").And.HaveLength(33);
        lease["metadata"]!["annotations"]!["pdns-webhook/server"]!.GetValue<string>().Should().Be(_scope.Server);
        lease["metadata"]!["annotations"]!["pdns-webhook/zone"]!.GetValue<string>().Should().Be(_scope.Zone);
        lease["spec"]!["holderIdentity"]!.GetValue<string>().Should().Be(b.Identity);
        lease["spec"]!["leaseDurationSeconds"]!.GetValue<int>().Should().Be(10);
    }

    [Fact]
    public async Task ContentionGivesUpAtTheDeadlineNamingTheLeaseAndItsHolder()
    {
        var (a, b) = (Replica(), Replica());
        await using var held = await a.AcquireAsync(_scope, default);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var started = Stopwatch.StartNew();

        var waiting = async () => await b.AcquireAsync(_scope, deadline.Token);

        var failure = await waiting.Should().ThrowAsync<SolverException>();
        failure.Which.Message.Should().Contain($"lease '{Namespace}/{LeaseName}'").And.Contain($"held by '{a.Identity}'").And.Contain("example.test.");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
    }

    // A replica as the server composes one with --lease-namespace (and --secrets-dir, so Kubernetes serves only Leases).
    private LeaseWriteLock Replica(int durationSeconds = 10)
    {
        var options = new WebhookOptions { Kubeconfig = _kube.Kubeconfig, SecretsDir = "/nonexistent", LeaseNamespace = Namespace, LeaseDurationSeconds = durationSeconds };
        var services = new ServiceCollection().AddLogging().AddSingleton(Options.Create(options)).AddSecretSource().AddChallengeSolver().BuildServiceProvider();
        _replicas.Add(services);
        return services.GetRequiredService<IWriteLock>().Should().BeOfType<LeaseWriteLock>().Subject;
    }

    private async Task ReleasedLeaseAsync(LeaseWriteLock replica) => await (await replica.AcquireAsync(_scope, default)).DisposeAsync();

    private static DateTime Time(JsonNode? microTime) => DateTime.Parse(microTime!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private JsonObject Lease(string holder, DateTime renewTime, int durationSeconds) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = LeaseName },
        ["spec"] = new JsonObject
        {
            ["holderIdentity"] = holder,
            ["leaseDurationSeconds"] = durationSeconds,
            ["acquireTime"] = renewTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            ["renewTime"] = renewTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            ["leaseTransitions"] = 0,
        },
    };
}
