using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Editing;
using Webhook.Freshness;
using Webhook.Observability;
using Webhook.Security;

namespace Webhook.Tests;

/// <summary>
/// A write waits, briefly, for the solves still being read, so the challenges cert-manager presents at once go out in
/// one PATCH; a lone challenge is written at once. Only the wait's clock is fake, so its cap passes only when moved.
/// </summary>
public sealed class PendingSolvesTests(DebianPowerDnsServer pdns) : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddPowerDnsClient().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task APresentWaitsForAPresentWhoseBodyIsStillOnTheWireAndBothGoInOnePatch()
    {
        await using var webhook = await WebhookHarness.StartAsync(pdns, services => services.AddSingleton(new PendingSolves(_time)));
        var pending = webhook.Services.GetRequiredService<PendingSolves>();
        var (first, second) = (WebhookHarness.UniqueName(), WebhookHarness.UniqueName());
        using var firstBody = new HeldBackContent(webhook.Body("Present", first, "one"));
        using var secondBody = new HeldBackContent(webhook.Body("Present", second, "two"));
        var firstSent = webhook.Http.PostAsync(WebhookHarness.SolverPath, firstBody);
        var secondSent = webhook.Http.PostAsync(WebhookHarness.SolverPath, secondBody);
        await Eventually.ReturnsAsync(() => Task.FromResult(pending.Count), count => count == 2, TimeSpan.FromSeconds(10));
        firstBody.Release();
        // Pending until its edit is queued: from here the first's write waits for the second (or, without the wait, is done).
        await Eventually.ReturnsAsync(() => Task.FromResult(pending.Count), count => count == 1, TimeSpan.FromSeconds(10));

        secondBody.Release();
        using var firstAnswer = await firstSent;
        using var secondAnswer = await secondSent;

        firstAnswer.StatusCode.Should().Be(HttpStatusCode.Created);
        secondAnswer.StatusCode.Should().Be(HttpStatusCode.Created);
        (await webhook.Udp.TxtAsync(first)).Values.Should().Equal("one");
        (await webhook.Udp.TxtAsync(second)).Values.Should().Equal("two");
        using var prometheus = webhook.Client(webhook.Pki.FrontProxyClient, "system:kube-aggregator", [KubernetesUser.Masters]);
        var metrics = Exposition.Parse(await prometheus.GetStringAsync("/metrics"));
        metrics.Sum("pdns_webhook_batch_size_count").Should().Be(1, "the first edit waited for the second");
        metrics.Sum("pdns_webhook_batch_size_sum").Should().Be(2);
        pending.Count.Should().Be(0);
    }

    [Fact]
    public async Task ARequestThatNeverReachesTheSolverStopsCountingAsPending()
    {
        await using var webhook = await WebhookHarness.StartAsync(pdns);

        using var response = await webhook.Http.PostAsync(WebhookHarness.SolverPath, new StringContent("{\"request\":", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        webhook.Services.GetRequiredService<PendingSolves>().Count.Should().Be(0, "a solve that ends without an edit must not hold later writes");
    }

    [Fact]
    public async Task ALoneEditIsWrittenWithoutWaiting()
    {
        var (writer, editor, pending) = Writer();

        // The wait's clock never moves: a write that waited would never finish.
        await writer.ApplyAsync(Edit("a"), [], pending.Enter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        editor.Batches.Should().Equal("a");
    }

    [Fact]
    public async Task EditsPendingTogetherAreWrittenInOneBatch()
    {
        var (writer, editor, pending) = Writer();
        var solves = Enumerable.Range(0, 3).Select(_ => pending.Enter()).ToList();

        await Task.WhenAll(solves.Select((solve, i) => writer.ApplyAsync(Edit($"n{i}"), [], solve, CancellationToken.None)))
            .WaitAsync(TimeSpan.FromSeconds(10));

        editor.Batches.Should().Equal("n0 n1 n2");
    }

    [Fact]
    public async Task AWriteWaitsForASolveThatNeverComesOnlyUntilTheCap()
    {
        var (writer, editor, pending) = Writer();
        using var stalled = pending.Enter();

        var written = writer.ApplyAsync(Edit("a"), [], pending.Enter(), CancellationToken.None);
        editor.Batches.Should().BeEmpty("another solve is pending and the cap has not passed");
        var moved = TimeSpan.Zero;
        await Eventually.ReturnsAsync(() => Task.FromResult(Advance(ref moved) && written.IsCompleted), done => done, TimeSpan.FromSeconds(10), every: TimeSpan.FromMilliseconds(10));

        await written;
        editor.Batches.Should().Equal("a");
        moved.Should().BeGreaterThanOrEqualTo(PendingSolves.MaxWait);
    }

    [Fact]
    public async Task AWriteThatFollowsAnotherTakesWhatQueuedMeanwhileWithoutWaiting()
    {
        var (writer, editor, pending) = Writer();
        using var stalled = pending.Enter();
        var firstWrite = new TaskCompletionSource();
        editor.Gate = firstWrite.Task;
        var first = writer.ApplyAsync(Edit("a"), [], pending.Enter(), CancellationToken.None);
        var moved = TimeSpan.Zero;
        await Eventually.ReturnsAsync(() => Task.FromResult(Advance(ref moved) && editor.Batches.Count == 1), done => done, TimeSpan.FromSeconds(10), every: TimeSpan.FromMilliseconds(10));

        var second = writer.ApplyAsync(Edit("b"), [], pending.Enter(), CancellationToken.None);
        firstWrite.SetResult();

        // The wait's clock no longer moves and a solve is still pending: only a write that does not wait can finish.
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        editor.Batches.Should().Equal("a", "b");
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private static TxtEdit Edit(string label) => new($"{label}.z.test.", "v", 60, Add: true);

    private bool Advance(ref TimeSpan moved)
    {
        _time.Advance(TimeSpan.FromMilliseconds(1));
        moved += TimeSpan.FromMilliseconds(1);
        return true;
    }

    private (BatchingWriter Writer, RecordingEditor Editor, PendingSolves Pending) Writer()
    {
        var editor = new RecordingEditor();
        var pending = new PendingSolves(_time);
        var writer = new BatchingWriter(editor, new InProcessWriteLock(), pending,
            new PowerDnsInstances(_services.GetRequiredService<PowerDnsClientFactory>(), _time),
            new WebhookMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), _time);
        return (writer, editor, pending);
    }

    // Keeps each batch as its names' first labels, space-separated, instead of calling PowerDNS.
    private sealed class RecordingEditor() : ZoneEditor(api: null!, "server", "localhost", new Zone("z.test.", "z.test.", "Native"))
    {
        public List<string> Batches { get; } = [];

        /// <summary>What each write waits for once recorded, as PowerDNS's answer.</summary>
        public Task Gate { get; set; } = Task.CompletedTask;

        public override EditStrategy Strategy => EditStrategy.Atomic;

        protected override async Task<bool> ChangeAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
        {
            lock (Batches)
            {
                Batches.Add(string.Join(' ', edits.Select(e => e.Name.Split('.')[0])));
            }

            await Gate;
            return false;
        }
    }

    // A request whose headers go out at once and whose body, but its first byte, only once released.
    private sealed class HeldBackContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBackContent(string body)
        {
            _body = Encoding.UTF8.GetBytes(body);
            Headers.ContentType = new("application/json");
        }

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body.AsMemory(0, 1));
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync(_body.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
