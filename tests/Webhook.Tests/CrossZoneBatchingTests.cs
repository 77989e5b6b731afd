using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PowerDnsClient;
using Webhook.Editing;
using Webhook.Freshness;
using Webhook.Observability;

namespace Webhook.Tests;

/// <summary>
/// One writer per PowerDNS server: edits queued in several zones while the write lock is busy go out under one hold of
/// it, a PATCH per zone, so a burst over many zones pays for the lock (a Lease: three Kubernetes API calls) once, and a
/// hold gives the lock up after its time budget so other replicas get their turn.
/// </summary>
public sealed class CrossZoneBatchingTests(TrixiePowerDnsServer pdns) : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddPowerDnsClient().BuildServiceProvider();

    [Fact]
    public async Task EditsQueuedInSeveralZonesAreWrittenUnderOneHoldOfTheLock()
    {
        var editors = await EditorsAsync(3, time: null);
        var writeLock = new GatedLock();
        var writer = Writer(writeLock, TimeProvider.System);

        var edits = editors.SelectMany(editor => Enumerable.Range(0, 3).Select(i => (Editor: editor, Edit: Edit(editor, i)))).ToList();
        var applied = edits.Select(e => writer.ApplyAsync(e.Editor, e.Edit, [], CancellationToken.None)).ToList();
        writeLock.Open();
        await Task.WhenAll(applied);

        writeLock.Acquired.Should().Be(1, "the three zones' edits were all queued when the lock came free");
        foreach (var (_, edit) in edits)
        {
            (await new DnsProbe(pdns.DnsPort).TxtAsync(edit.Name)).Values.Should().Equal(edit.Value);
        }
    }

    [Fact]
    public async Task AHoldStopsTakingZonesOnceItsBudgetIsSpentAndTakesTheLockAgainForTheRest()
    {
        var time = new FakeTimeProvider();
        // Each PATCH takes 3 s on this clock: the hold's budget of 5 s is spent after the second zone.
        var editors = await EditorsAsync(3, time);
        var writeLock = new GatedLock();
        var writer = Writer(writeLock, time);

        var applied = editors.Select(editor => writer.ApplyAsync(editor, Edit(editor, 0), [], CancellationToken.None)).ToList();
        writeLock.Open();
        await Task.WhenAll(applied);

        writeLock.Acquired.Should().Be(2);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private BatchingWriter Writer(IWriteLock writeLock, TimeProvider time) => new(new WriteScope("server", null), writeLock,
        new PowerDnsInstances(_services.GetRequiredService<PowerDnsClientFactory>(), time), new WebhookMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), time);

    private static TxtEdit Edit(ZoneEditor editor, int i) => new($"_acme-challenge.n{i}.{editor.ZoneName}", $"v{i}-{editor.ZoneName}", 60, Add: true);

    // Fresh zones on PowerDNS 4.9.18 (EXTEND/PRUNE), each with its editor; with a fake clock, every PATCH moves it on 3 s.
    private async Task<List<ZoneEditor>> EditorsAsync(int count, FakeTimeProvider? time)
    {
        var api = _services.GetRequiredService<PowerDnsClientFactory>().Create(new PowerDnsEndpoint(pdns.ApiUrl, "localhost", pdns.ApiKey));
        var editors = new List<ZoneEditor>();
        using var http = pdns.Api();
        for (var i = 0; i < count; i++)
        {
            var zone = $"cz{Guid.NewGuid():N}.test.";
            (await http.PostAsJsonAsync("/api/v1/servers/localhost/zones", new JsonObject { ["name"] = zone, ["kind"] = "Native", ["nameservers"] = new JsonArray("ns1.example.test.") }))
                .EnsureSuccessStatusCode();
            editors.Add(new AtomicEditor(time is null ? api : new SlowPatches(api, time), "server", "localhost", new Zone(zone, zone, "Native")));
        }

        return editors;
    }

    // Refused until opened; counts the holds handed out. One writer only, so it need not exclude anyone.
    private sealed class GatedLock : IWriteLock
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _acquired;

        public int Acquired => Volatile.Read(ref _acquired);

        public void Open() => _open.TrySetResult();

        public async ValueTask<IAsyncDisposable> AcquireAsync(WriteScope scope, CancellationToken cancellationToken)
        {
            await _open.Task.WaitAsync(cancellationToken);
            Interlocked.Increment(ref _acquired);
            return new Released();
        }

        private sealed class Released : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    // The real client, whose PATCHes take 3 s of a fake clock.
    private sealed class SlowPatches(IPowerDnsApi inner, FakeTimeProvider time) : IPowerDnsApi
    {
        public async Task PatchZoneAsync(string serverId, string zoneId, ZonePatch patch, CancellationToken cancellationToken = default)
        {
            await inner.PatchZoneAsync(serverId, zoneId, patch, cancellationToken);
            time.Advance(TimeSpan.FromSeconds(3));
        }

        public Task<Zone> GetZoneAsync(string serverId, string zoneId, CancellationToken cancellationToken = default) => inner.GetZoneAsync(serverId, zoneId, cancellationToken);

        public Task<Zone> GetRRSetAsync(string serverId, string zoneId, string name, string type, CancellationToken cancellationToken = default) =>
            inner.GetRRSetAsync(serverId, zoneId, name, type, cancellationToken);

        public Task<ServerInfo> GetServerAsync(string serverId, CancellationToken cancellationToken = default) => inner.GetServerAsync(serverId, cancellationToken);

        public Task<IReadOnlyList<Zone>> ListZonesAsync(string serverId, CancellationToken cancellationToken = default) => inner.ListZonesAsync(serverId, cancellationToken);

        public Task<IReadOnlyList<Zone>> FindZoneAsync(string serverId, string zone, CancellationToken cancellationToken = default) => inner.FindZoneAsync(serverId, zone, cancellationToken);

        public Task NotifyAsync(string serverId, string zoneId, CancellationToken cancellationToken = default) => inner.NotifyAsync(serverId, zoneId, cancellationToken);

        public Task<CacheFlushResult> FlushCacheAsync(string serverId, string domain, CancellationToken cancellationToken = default) => inner.FlushCacheAsync(serverId, domain, cancellationToken);
    }
}
