using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Editing;
using Webhook.Freshness;
using Webhook.Observability;

namespace Webhook.Tests;

/// <summary>
/// A write lock not had in time fails the edits that waited for it all along, with words for the Challenge's status,
/// and leaves those that queued meanwhile waiting under a deadline of their own.
/// </summary>
public sealed class LockWaitFailureTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddPowerDnsClient().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task AnEditThatWaitedForTheLockInVainSaysSoAndALaterOneKeepsItsOwnDeadline()
    {
        var pending = new PendingSolves(_time);
        var writer = new BatchingWriter(new AtomicEditor(api: null!, "server", "localhost", new Zone("z.test.", "z.test.", "Native")), new NeverGranted(), pending,
            new PowerDnsInstances(_services.GetRequiredService<PowerDnsClientFactory>(), _time), new WebhookMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), _time);

        var first = writer.ApplyAsync(new TxtEdit("a.z.test.", "v", 60, Add: true), [], pending.Enter(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(20));
        var later = writer.ApplyAsync(new TxtEdit("b.z.test.", "v", 60, Add: true), [], pending.Enter(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));

        var failure = await first.Invoking(f => f).Should().ThrowAsync<SolverException>();
        failure.Which.Message.Should().Be("gave up after 25.0 s waiting for this process's write lock on server: earlier writes to the same PowerDNS server held it");
        later.IsCompleted.Should().BeFalse("it has waited 5 s of its 25");

        // Its own wait starts once the first has failed, on the writer's thread: move the clock until it ends too.
        await Eventually.ReturnsAsync(() => Task.FromResult(Advance() && later.IsCompleted), done => done, TimeSpan.FromSeconds(30));
        (await later.Invoking(l => l).Should().ThrowAsync<SolverException>()).Which.Message.Should().StartWith("gave up after");
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private bool Advance()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return true;
    }

    // Held by someone else for ever: the wait ends only with the caller's deadline, as InProcessWriteLock's does.
    private sealed class NeverGranted : IWriteLock
    {
        private readonly TaskCompletionSource<IAsyncDisposable> _released = new();

        public ValueTask<IAsyncDisposable> AcquireAsync(WriteScope scope, CancellationToken cancellationToken) =>
            new(_released.Task.WaitAsync(cancellationToken));
    }
}
