namespace Webhook.Challenges;

/// <summary>
/// Solves taken in whose edit has not reached its <see cref="Editing.BatchingWriter"/> yet: a solver request from the
/// moment routing and authorization let it through, before its body is read; a hook-mode call from its start. A writer
/// about to write from idle waits until none is pending, for at most <see cref="MaxWait"/>. So the challenges cert-manager
/// presents at once (every name of an order) go out in one PATCH, not the first alone and the rest in a second one, and
/// a lone challenge finds none pending and is written at once.
/// </summary>
internal sealed class PendingSolves(TimeProvider time)
{
    /// <summary>
    /// The longest a write waits for pending solves: reading a burst of 80 requests takes 3 to 8 ms on two cores, and a
    /// request that stalls (a slow client, a Secret read) must not hold every write for long.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(10);

    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _none;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public Solve Enter()
    {
        lock (_gate)
        {
            _count++;
        }

        return new Solve(this);
    }

    /// <summary>Completes once no solve is pending, or after <see cref="MaxWait"/>; at once when none is.</summary>
    public async Task NoneAsync()
    {
        Task none;
        lock (_gate)
        {
            if (_count == 0)
            {
                return;
            }

            none = (_none ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        await none.WaitAsync(MaxWait, time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Leave()
    {
        TaskCompletionSource? none = null;
        lock (_gate)
        {
            if (--_count == 0)
            {
                (none, _none) = (_none, null);
            }
        }

        none?.TrySetResult();
    }

    /// <summary>One pending solve. Disposed once its edit is queued, or when it ends without one; the first time counts.</summary>
    internal sealed class Solve(PendingSolves pending) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                pending.Leave();
            }
        }
    }
}
