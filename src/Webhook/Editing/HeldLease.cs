using k8s.Models;

namespace Webhook.Editing;

/// <summary>
/// A Lease this process holds for one batch write: renewed every third of its duration while the write runs, so a slow
/// PowerDNS does not let another replica in, then released. Disposed once, by the writer that took it.
/// </summary>
internal sealed class HeldLease : IAsyncDisposable
{
    private readonly LeaseWriteLock _owner;
    private readonly IAsyncDisposable _local;
    private readonly TimeSpan _every;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;
    private V1Lease _lease;
    private bool _lost;

    public HeldLease(LeaseWriteLock owner, V1Lease lease, IAsyncDisposable local, TimeSpan every, TimeProvider time)
    {
        (_owner, _lease, _local, _every, _time) = (owner, lease, local, every, time);
        _renewals = RenewAsync();
    }

    private async Task RenewAsync()
    {
        while (true)
        {
            await Task.Delay(_every, _time, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            // Each renewal gets one period; a failed one is retried at the next, well before the Lease expires.
            using var timeout = new CancellationTokenSource(_every, _time);
            var renewal = _owner.RenewAsync(_lease, timeout.Token);
            await ((Task)renewal).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (renewal.IsCompletedSuccessfully)
            {
                // Null: taken over (logged). The write in flight finishes; the release below then finds nothing to clear.
                _lease = renewal.Result ?? _lease;
                _lost = renewal.Result is null;
                if (_lost)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewals;
        if (!_lost)
        {
            await _owner.ReleaseAsync(_lease);
        }

        await _local.DisposeAsync();
        _stop.Dispose();
    }
}
