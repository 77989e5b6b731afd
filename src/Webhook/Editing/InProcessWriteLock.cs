namespace Webhook.Editing;

/// <summary>
/// One semaphore per scope: exclusive among the writers of this process only. A scope's gate lives while someone holds or
/// awaits it, so scopes named by Issuers never accumulate.
/// </summary>
internal sealed class InProcessWriteLock : IWriteLock
{
    private readonly Dictionary<WriteScope, Gate> _gates = [];

    /// <summary>Gates held or awaited now.</summary>
    public int Gates
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    public async ValueTask<IAsyncDisposable> AcquireAsync(WriteScope scope, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_gates)
        {
            gate = _gates.TryGetValue(scope, out var existing) ? existing : _gates[scope] = new Gate();
            gate.Users++;
        }

        var acquired = gate.Semaphore.WaitAsync(cancellationToken);
        await acquired.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // a cancelled wait still lets go of the gate
        if (!acquired.IsCompletedSuccessfully)
        {
            Leave(scope, gate);
            await acquired;
        }

        return new Held(this, scope, gate);
    }

    private void Leave(WriteScope scope, Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(scope);
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Held(InProcessWriteLock owner, WriteScope scope, Gate gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Semaphore.Release();
                owner.Leave(scope, gate);
            }

            return ValueTask.CompletedTask;
        }
    }
}
