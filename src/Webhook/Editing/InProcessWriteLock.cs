using System.Collections.Concurrent;

namespace Webhook.Editing;

/// <summary>One semaphore per scope: exclusive among the writers of this process only.</summary>
internal sealed class InProcessWriteLock : IWriteLock
{
    private readonly ConcurrentDictionary<WriteScope, SemaphoreSlim> _gates = new();

    public async ValueTask<IAsyncDisposable> AcquireAsync(WriteScope scope, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(scope, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
